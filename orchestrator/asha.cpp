// ASHA's decisions over the store: rung membership and ranking from the epochs table, stop and
// promote through the store (each with its event).
#include "orchestrator/asha.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "orchestrator/store/asha_rungs.h"
#include "orchestrator/store/config_json.h"

namespace bokeh::orchestrator {
namespace {

std::string ordinal(size_t n) {
  const size_t last = n % 10;
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) || last == 0 || last > 3 ? "th"
                       : last == 1                                               ? "st"
                       : last == 2                                               ? "nd"
                                                                                 : "rd";
  return fmt::format("{}{}", n, suffix);
}

// The run with `id` among `runs` (recorded_at() lists only ids of `runs`).
const RunRecord& with_id(const std::vector<RunRecord>& runs, int64_t id) {
  return *std::find_if(runs.begin(), runs.end(), [&](const RunRecord& r) { return r.id == id; });
}

}  // namespace

AshaScheduler::AshaScheduler(Store& store, std::string sweep, EarlyStopping rule)
    : store_(store), sweep_(std::move(sweep)), rule_(std::move(rule)) {}

int64_t AshaScheduler::max_epochs(const RunRecord& run) const {
  return train_config_from_json(nlohmann::json::parse(run.config_json)).epochs;
}

int64_t AshaScheduler::rung_epoch(int64_t rung) const {
  return asha_rung_epoch(rule_.min_epochs, rule_.reduction_factor, rung);
}

int64_t AshaScheduler::target_epoch(const RunRecord& run) const {
  const int64_t last = max_epochs(run);
  const auto rungs = static_cast<int64_t>(asha_rung_epochs(rule_.min_epochs, rule_.reduction_factor, last).size());
  return run.rung < rungs ? rung_epoch(run.rung) : last;
}

std::vector<AshaScheduler::Entry> AshaScheduler::recorded_at(int64_t rung, const std::vector<RunRecord>& runs,
                                                             int64_t arriving) const {
  const int64_t epoch = rung_epoch(rung);
  std::vector<Entry> out;
  for (const RunRecord& r : runs) {
    const bool judged = r.rung > rung || (r.rung == rung && r.state == RunState::Stopped) || r.id == arriving;
    if (!judged || max_epochs(r) <= epoch) continue;
    for (const EpochRecord& e : store_.epochs(r.id)) {
      if (e.epoch != epoch) continue;
      const double metric = rule_.metric == "train_loss" ? e.train_loss : e.val_loss;
      out.push_back(Entry{r.id, std::isfinite(metric) ? metric : std::numeric_limits<double>::infinity()});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {  // runs are in id order already
    return a.metric < b.metric;
  });
  return out;
}

std::string AshaScheduler::explain(const std::vector<Entry>& recorded, size_t position, int64_t rung) const {
  const int64_t go_on = quota(recorded.size());
  return fmt::format("rung {} (epoch {}): {} {:.6g}, {} of {} recorded there; the best {} go on (1/{})", rung,
                     rung_epoch(rung), rule_.metric, recorded[position].metric, ordinal(position + 1),
                     recorded.size(), go_on, rule_.reduction_factor);
}

std::vector<AshaDecision> AshaScheduler::on_rung_reached(const RunRecord& run, const std::string& results_json) {
  const std::vector<Entry> recorded = recorded_at(run.rung, store_.runs(sweep_), run.id);
  const auto it = std::find_if(recorded.begin(), recorded.end(), [&](const Entry& e) { return e.run_id == run.id; });
  if (it == recorded.end()) {
    throw StoreError(fmt::format("{}: run {} reports rung {} but has no epoch {} recorded", store_.path(), run.name,
                                 run.rung, rung_epoch(run.rung)));
  }
  const auto position = static_cast<size_t>(it - recorded.begin());
  AshaDecision decision{run.id, run.name, run.rung, static_cast<int64_t>(position) < quota(recorded.size()), false,
                        explain(recorded, position, run.rung)};
  if (decision.goes_on) store_.promote_run(run.id, run.rung + 1, "goes on: " + decision.why);
  else store_.pause_run(run.id, results_json, decision.why);
  std::vector<AshaDecision> decisions{decision};
  for (AshaDecision& d : promote_due()) decisions.push_back(std::move(d));
  return decisions;
}

std::vector<AshaDecision> AshaScheduler::promote_due() {
  std::vector<AshaDecision> decisions;
  const std::vector<RunRecord> runs = store_.runs(sweep_);
  int64_t top = 0;
  for (const RunRecord& r : runs) top = std::max(top, r.rung);
  for (int64_t rung = 0; rung <= top; ++rung) {
    const std::vector<Entry> recorded = recorded_at(rung, runs);
    const int64_t go_on = quota(recorded.size());
    for (int64_t i = 0; i < go_on; ++i) {
      const RunRecord& r = with_id(runs, recorded[i].run_id);
      if (r.state != RunState::Stopped || r.rung != rung) continue;
      AshaDecision d{r.id, r.name, rung, true, true, explain(recorded, static_cast<size_t>(i), rung)};
      store_.promote_run(r.id, rung + 1, "promoted: " + d.why);
      decisions.push_back(std::move(d));
    }
  }
  return decisions;
}

std::vector<AshaDecision> AshaScheduler::promote_when_drained() {
  const std::vector<RunRecord> runs = store_.runs(sweep_);
  int64_t top = -1, highest = -1;
  for (const RunRecord& r : runs) {
    if (r.state == RunState::Pending || r.state == RunState::Running) return {};
    if (r.state == RunState::Stopped) top = std::max(top, r.rung);
    highest = std::max(highest, r.rung);
  }
  if (top < 0 || highest > top) return {};
  const std::vector<Entry> recorded = recorded_at(top, runs);
  const RunRecord& best = with_id(runs, recorded[0].run_id);
  if (best.state != RunState::Stopped) return {};
  AshaDecision d{best.id, best.name, top, true, true, explain(recorded, 0, top)};
  store_.promote_run(best.id, top + 1, "promoted as the best of the furthest rung, nothing else left to run: " + d.why);
  return {d};
}

}  // namespace bokeh::orchestrator
