// The status report: counts by state, ASHA's rungs, a table of runs with progress, failures, elapsed
// time, ETA.
#include "reports/tables/status_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "reports/tables/repeat_groups.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/search_table.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_format.h"

namespace bokeh::reports {
namespace {

using orchestrator::RunRecord;
using orchestrator::RunState;

// Epochs recorded so far for a run, and its planned epochs.
struct Progress {
  int64_t done = 0;
  int64_t planned = 0;
};

Progress progress(const orchestrator::StoreReader& store, const RunRecord& record) {
  return Progress{static_cast<int64_t>(store.epochs(record.id).size()), record.epochs};
}

}  // namespace

std::optional<std::string> stale_note(const orchestrator::StoreReader& store, const std::string& sweep, double now) {
  const std::vector<orchestrator::CoordinatorRecord> coordinators = store.coordinators(sweep);
  double last_seen = 0;
  for (const orchestrator::CoordinatorRecord& c : coordinators) {
    if (orchestrator::coordinator_alive(c, now)) return std::nullopt;
    last_seen = std::max(last_seen, c.heartbeat);
  }
  if (coordinators.empty()) return "stale: no sweep process recorded; rerun the same command to resume.";
  return fmt::format("stale: coordinator last seen {} ago, rerun the same command to resume.",
                     format_duration(now - last_seen));
}

StateCounts count_states(const std::vector<RunRecord>& runs) {
  StateCounts counts;
  for (RunState state : {RunState::Pending, RunState::Running, RunState::Done, RunState::Failed, RunState::Stopped})
    counts.by_state[state] = 0;
  for (const RunRecord& r : runs) ++counts.by_state[r.state];
  return counts;
}

namespace {

std::string sweep_status(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep, double now) {
  const std::vector<RunRecord> runs = store.runs(sweep.name);
  const StateCounts counts = count_states(runs);
  const bool open = counts.open();
  const std::string stopped =
      counts[RunState::Stopped] > 0 ? fmt::format(", {} stopped early", counts[RunState::Stopped]) : "";
  std::string out = fmt::format("## Sweep {}: {} done, {} running, {} pending, {} failed{} ({} runs)\n\n", sweep.name,
                                counts[RunState::Done], counts[RunState::Running], counts[RunState::Pending],
                                counts[RunState::Failed], stopped, runs.size());
  if (const std::string rungs = rung_summary(store, sweep); !rungs.empty()) out += rungs + "\n\n";
  {
    std::vector<RunSummary> summaries;
    for (const RunRecord& r : runs) summaries.push_back(summarize_run(r));
    if (const std::string repeats = repeats_line(summaries); !repeats.empty()) out += repeats + "\n\n";
  }
  const std::optional<double> elapsed = elapsed_seconds(runs, now);
  if (elapsed) {
    out += fmt::format("Elapsed: {}", format_duration(*elapsed));
  } else {
    out += "Not started yet.";
  }
  if (!open) {
    out += runs.empty() ? "" : "; finished.";
  } else if (const std::optional<std::string> stale = elapsed ? stale_note(store, sweep.name, now) : std::nullopt) {
    out += "; " + *stale;
  } else if (const std::optional<double> eta = eta_seconds(store, sweep.name)) {
    out += fmt::format("; ETA: about {} (remaining estimated FLOPs at the done runs' rate).", format_duration(*eta));
  } else {
    out += "; ETA: unknown until a run finishes.";
  }
  out += "\n\n";
  if (runs.empty()) return out + "No runs registered.\n";

  Table t;
  t.title = fmt::format("Runs of {}", sweep.name);
  t.columns = {Column{"Run"},
               Column{"State"},
               Column{"Attempts", CellStyle::General},
               Column{"Epochs"},
               Column{"Runtime (min)", CellStyle::Fixed, 1},
               Column{"Val_Loss", CellStyle::Fixed, 4}};
  std::vector<std::string> failures;
  for (const RunRecord& r : runs) {
    const Progress p = progress(store, r);
    const std::vector<orchestrator::EpochRecord> epochs = store.epochs(r.id);
    std::vector<Cell> row = {Cell{r.name},
                             Cell{state_text(summarize_run(r))},
                             Cell{static_cast<double>(r.attempts)},
                             Cell{fmt::format("{}/{}", p.done, p.planned)},
                             Cell{},
                             Cell{}};
    if (r.state == RunState::Done || r.state == RunState::Stopped) row[4] = r.runtime_s / 60.0;
    if (!epochs.empty()) row[5] = epochs.back().val_loss;
    t.rows.push_back(std::move(row));
    if (!r.error.empty()) {
      failures.push_back(
          fmt::format("{} ({}, attempt {}): {}", r.name, orchestrator::to_string(r.state), r.attempts, r.error));
    }
  }
  out += format_markdown(t);
  if (!failures.empty())
    out += fmt::format("\nFailures (last error of each run):\n- {}\n", fmt::join(failures, "\n- "));
  return out;
}

}  // namespace

std::optional<double> elapsed_seconds(const std::vector<RunRecord>& runs, double now) {
  std::optional<double> first_start, last_finish;
  bool open = false;
  for (const RunRecord& r : runs) {
    open = open || r.state == RunState::Pending || r.state == RunState::Running;
    if (r.started) first_start = std::min(first_start.value_or(*r.started), *r.started);
    if (r.finished) last_finish = std::max(last_finish.value_or(*r.finished), *r.finished);
  }
  if (!first_start) return std::nullopt;
  const double end = open ? now : last_finish.value_or(now);
  return std::max(0.0, end - *first_start);
}

std::optional<double> eta_seconds(const orchestrator::StoreReader& store, const std::string& sweep) {
  double done_seconds = 0, done_cost = 0, remaining_cost = 0;
  int running = 0;
  for (const RunRecord& r : store.runs(sweep)) {
    if (r.state == RunState::Done) {
      done_seconds += r.runtime_s;
      done_cost += r.cost;
    } else if (r.state == RunState::Pending) {
      remaining_cost += r.cost;
    } else if (r.state == RunState::Running) {
      const Progress p = progress(store, r);
      const double left = p.planned > 0 ? 1.0 - std::min<double>(p.done, p.planned) / p.planned : 1.0;
      remaining_cost += r.cost * left;
      ++running;
    }
  }
  if (done_cost <= 0 || done_seconds <= 0) return std::nullopt;
  return remaining_cost * (done_seconds / done_cost) / std::max(1, running);
}

std::string format_duration(double seconds) {
  const int64_t s = std::llround(std::max(0.0, seconds));
  if (s >= 3600) return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

std::string status_report(const orchestrator::StoreReader& store, const std::string& sweep, double now) {
  if (!sweep.empty()) return sweep_status(store, find_sweep(store, sweep), now);
  const std::vector<orchestrator::SweepInfo> sweeps = store.sweeps();
  if (sweeps.empty()) return fmt::format("{}: no sweep registered yet.\n", store.path());
  std::string out;
  for (size_t i = 0; i < sweeps.size(); ++i) out += (i ? "\n" : "") + sweep_status(store, sweeps[i], now);
  return out;
}

}  // namespace bokeh::reports
