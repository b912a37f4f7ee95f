// Database, sweep and folder lookups shared by `report` and `render`.
#include "reports/tables/sweep_lookup.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "common/checkpoint_files.h"
#include "orchestrator/spec_format/canonical_spec.h"

namespace bokeh::reports {
namespace {

std::string known_sweeps(const orchestrator::StoreReader& store) {
  std::vector<std::string> names;
  for (const orchestrator::SweepInfo& s : store.sweeps()) names.push_back(s.name);
  if (names.empty()) return "the database holds no sweep yet";
  return fmt::format("known sweeps: {}", fmt::join(names, ", "));
}

// Latest first: by creation time; of two created in the same second, the later registered.
std::vector<orchestrator::SweepInfo> latest_first(const orchestrator::StoreReader& store) {
  std::vector<orchestrator::SweepInfo> sweeps = store.sweeps();  // in registration order
  std::reverse(sweeps.begin(), sweeps.end());
  std::stable_sort(sweeps.begin(), sweeps.end(), [](const auto& a, const auto& b) { return a.created > b.created; });
  return sweeps;
}

}  // namespace

orchestrator::StoreReader open_store(const std::string& db_path) {
  try {
    return orchestrator::StoreReader(db_path);
  } catch (const orchestrator::StoreError& e) {
    throw ReportError(e.what());
  }
}

std::vector<int64_t> spec_tables(const orchestrator::SweepInfo& sweep) {
  return orchestrator::read_stored_spec(sweep.spec_json).tables;
}

orchestrator::SweepInfo find_sweep(const orchestrator::StoreReader& store, const std::string& name) {
  if (auto sweep = store.sweep(name)) return *sweep;
  throw ReportError(fmt::format("{}: no sweep named \"{}\" ({})", store.path(), name, known_sweeps(store)));
}

orchestrator::SweepInfo sweep_for_table(const orchestrator::StoreReader& store, int64_t table,
                                        const std::string& name) {
  if (table < 1 || table > 4) throw ReportError(fmt::format("no table {}: the study has tables 1 to 4", table));
  if (!name.empty()) return find_sweep(store, name);
  for (const orchestrator::SweepInfo& sweep : latest_first(store)) {
    const std::vector<int64_t> tables = spec_tables(sweep);
    if (std::find(tables.begin(), tables.end(), table) != tables.end()) return sweep;
  }
  throw ReportError(fmt::format("{}: no sweep lists table {} in its spec's `tables` ({}); name one with --sweep",
                                store.path(), table, known_sweeps(store)));
}

orchestrator::SweepInfo sweep_or_latest(const orchestrator::StoreReader& store, const std::string& name) {
  if (!name.empty()) return find_sweep(store, name);
  const std::vector<orchestrator::SweepInfo> sweeps = latest_first(store);
  if (sweeps.empty()) throw ReportError(fmt::format("{}: the database holds no sweep yet", store.path()));
  return sweeps.front();
}

RunWeights run_weights(const orchestrator::StoreReader& store, const std::string& db_path, const std::string& results,
                       const std::string& sweep, const std::string& run) {
  const orchestrator::SweepInfo info = sweep_or_latest(store, sweep);
  const std::vector<RunSummary> runs = summarize_sweep(store, info.name);
  const RunSummary& chosen = find_run(runs, run, info.name, orchestrator::read_stored_spec(info.spec_json).selection);
  const std::filesystem::path dir =
      orchestrator::run_checkpoint_dir(orchestrator::results_root(db_path, results), info.name, chosen.key);
  if (!std::filesystem::exists(dir / common::kBestWeights)) {
    throw ReportError(
        fmt::format("run \"{}\" of sweep {} ({}) has no best weights: it has no checkpoint, {} is missing", chosen.name,
                    info.name, orchestrator::to_string(chosen.state), (dir / common::kBestWeights).string()));
  }
  return RunWeights{info, chosen, dir};
}

}  // namespace bokeh::reports
