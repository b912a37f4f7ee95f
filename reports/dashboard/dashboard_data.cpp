// Dashboard snapshot: the store's sweeps as one JSON document for the page and its polling endpoint.
#include "reports/dashboard/dashboard_data.h"

#include <fmt/format.h>

#include <filesystem>

#include <algorithm>

#include "orchestrator/spec_format/canonical_spec.h"
#include "reports/tables/epoch_figures.h"
#include "reports/tables/importance.h"
#include "reports/tables/lr_drops.h"
#include "reports/tables/objective_front.h"
#include "reports/tables/pareto.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/status_report.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_builder.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;
using orchestrator::RunRecord;
using orchestrator::RunState;

constexpr const char* kMissingMark = "–";  // as `report --table` prints a missing cell
constexpr int64_t kStudyTables = 4;

json optional_json(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }
std::string duration_text(const std::optional<double>& seconds) { return seconds ? format_duration(*seconds) : ""; }

// The settings whose value is not the same in every run, in the first run's key order.
json varied_settings(const json& runs) {
  std::vector<std::string> keys;
  for (const json& run : runs) {
    for (const auto& [key, value] : run["settings"].items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      for (const json& other : runs) {
        const auto it = other["settings"].find(key);
        if (it == other["settings"].end() || *it != value) {
          keys.push_back(key);
          break;
        }
      }
    }
  }
  return keys;
}

// The run's epochs as the page plots them; "figures": every per-epoch figure by name (null where an
// epoch lacks it, e.g. the validation metrics of epochs stored before they were computed).
json curve_json(const std::vector<orchestrator::EpochRecord>& epochs) {
  json curve = {{"epoch", json::array()},
                {"train", json::array()},
                {"val", json::array()},
                {"lr", json::array()},
                {"lr_drops", lr_drop_epochs(epochs)},
                {"figures", json::object()}};
  const std::vector<std::string> figures = epoch_figure_names();
  for (const std::string& name : figures) curve["figures"][name] = json::array();
  for (const orchestrator::EpochRecord& e : epochs) {
    curve["epoch"].push_back(e.epoch);
    curve["train"].push_back(e.train_loss);
    curve["val"].push_back(e.val_loss);
    curve["lr"].push_back(e.lr);
    for (const std::string& name : figures) curve["figures"][name].push_back(optional_json(epoch_figure(e, name)));
  }
  return curve;
}

json run_json(const orchestrator::StoreReader& store, const RunRecord& record) {
  const RunSummary summary = summarize_run(record);
  const std::vector<orchestrator::EpochRecord> epochs = store.epochs(record.id);
  return {{"id", record.id},
          {"name", record.name},
          {"key", record.key},
          {"state", state_text(summary)},
          {"attempts", record.attempts},
          {"error", record.error},
          {"epochs_done", epochs.size()},
          {"epochs_planned", summary.epochs},
          {"best_val_loss", optional_json(ranking_loss(summary))},
          {"test_psnr", optional_json(run_figure(summary, "test_psnr"))},
          {"settings", flat_settings(record.config_json)},
          {"curve", curve_json(epochs)}};
}

json status_json(const orchestrator::StoreReader& store, const std::string& sweep, const std::vector<RunRecord>& runs,
                 double now) {
  const StateCounts state_counts = count_states(runs);
  json counts = json::object();
  for (const auto& [state, count] : state_counts.by_state) counts[orchestrator::to_string(state)] = count;
  const bool open = state_counts.open();
  const std::optional<double> elapsed = elapsed_seconds(runs, now);
  const std::optional<double> eta = eta_seconds(store, sweep);  // shown only while the sweep is open
  // An open sweep that no process works on any more: the status says so instead of an ETA.
  const std::optional<std::string> stale = open && elapsed ? stale_note(store, sweep, now) : std::nullopt;
  return {{"counts", counts},
          {"total", runs.size()},
          {"open", open},
          {"elapsed_s", optional_json(elapsed)},
          {"elapsed", duration_text(elapsed)},
          {"eta_s", open ? optional_json(eta) : json(nullptr)},
          {"eta", open ? duration_text(eta) : ""},
          {"stale", stale ? json(*stale) : json(nullptr)}};
}

json tables_json(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep) {
  const std::vector<int64_t> listed = spec_tables(sweep);
  json out = json::array();
  for (int64_t n = 1; n <= kStudyTables; ++n) {
    json entry = {{"number", n}, {"listed", std::find(listed.begin(), listed.end(), n) != listed.end()}};
    try {
      entry["table"] = table_to_json(build_table(n, sweep, summarize_sweep(store, sweep.name)));
    } catch (const ReportError& e) {
      entry["error"] = e.what();
    }
    out.push_back(std::move(entry));
  }
  return out;
}

// The Pareto front (params against the sweep's objective at each run's best epoch; a multi-objective
// sweep's over its own objectives) or the importance of the sweep's settings for it,
// as the page draws them; {"error": why} while they cannot be made (e.g. fewer than 3 finished
// configurations).
json analysis_json(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep, bool pareto) {
  try {
    const std::vector<RunSummary> runs = summarize_sweep(store, sweep.name);  // the groups point into it
    const std::vector<RepeatGroup> groups = group_repeats(runs);
    // The figure the sweep chooses its best runs by (its select.metric or objective; val_loss by default).
    const std::string quality = orchestrator::read_stored_spec(sweep.spec_json).selection.metric;
    if (pareto && is_multi_objective(sweep))
      return objective_front_json(objective_front(store, sweep, runs, std::nullopt));
    if (pareto) return pareto_json(pareto_result(groups, ParetoAxes{"params", quality}));
    ImportanceOptions options;
    options.y = quality;
    return importance_json(importance(sweep, groups, options));
  } catch (const ReportError& e) {
    return {{"error", e.what()}};
  }
}

}  // namespace

json table_to_json(const Table& table) {
  json out = {{"title", table.title}, {"columns", json::array()}, {"rows", json::array()}, {"notes", table.notes}};
  for (const Column& c : table.columns) {
    out["columns"].push_back({{"header", c.header}, {"numeric", c.style != CellStyle::Text}});
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<Cell>& row = table.rows[r];
    json cells = json::array();
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::optional<std::string> text = shown_text(table, r, i);
      json value = nullptr;
      if (const double* number = std::get_if<double>(&row[i]))
        value = *number;
      else if (text)
        value = *text;
      cells.push_back({{"text", text.value_or(kMissingMark)}, {"value", value}});
    }
    out["rows"].push_back(std::move(cells));
  }
  return out;
}

json sweep_snapshot(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep, double now) {
  const std::vector<RunRecord> records = store.runs(sweep.name);
  json runs = json::array();
  for (const RunRecord& r : records) runs.push_back(run_json(store, r));
  json overrides = json::parse(sweep.overrides_json, nullptr, /*allow_exceptions=*/false);
  if (!overrides.is_array()) overrides = json::array();
  return {{"name", sweep.name},
          {"created", sweep.created},
          {"spec_yaml", sweep.spec_text},
          {"overrides", overrides},
          {"status", status_json(store, sweep.name, records, now)},
          {"varied", varied_settings(runs)},
          {"runs", runs},
          {"tables", tables_json(store, sweep)},
          {"pareto", analysis_json(store, sweep, true)},
          {"importance", analysis_json(store, sweep, false)}};
}

json dashboard_snapshot(const orchestrator::StoreReader& store, const std::string& sweep, double now) {
  json sweeps = json::array();
  if (!sweep.empty()) {
    sweeps.push_back(sweep_snapshot(store, find_sweep(store, sweep), now));
  } else {
    for (const orchestrator::SweepInfo& s : store.sweeps()) sweeps.push_back(sweep_snapshot(store, s, now));
  }
  return {
      {"database", std::filesystem::path(store.path()).filename().string()}, {"generated", now}, {"sweeps", sweeps}};
}

json waiting_snapshot(const std::string& db_path, double now) {
  const std::string name = std::filesystem::path(db_path).filename().string();
  return {{"database", name},
          {"generated", now},
          {"sweeps", json::array()},
          {"waiting", fmt::format("waiting for the sweep: {} does not exist yet (this page polls and shows it once a "
                                  "sweep creates it)",
                                  name)}};
}

}  // namespace bokeh::reports
