// Finding what a report is about: the results database, and a sweep by name or as the latest one
// feeding a table. Where a sweep's files live is store/results_layout.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "store/results_layout.h"
#include "store/store_reader.h"
#include "reports/tables/report_error.h"
#include "reports/tables/run_summary.h"

namespace bokeh::reports {

// Opens the database read-only; ReportError naming the file when it is missing or not ours.
orchestrator::StoreReader open_store(const std::string& db_path);

// The tables a sweep's spec lists (from its canonical spec).
std::vector<int64_t> spec_tables(const orchestrator::SweepInfo& sweep);

// The named sweep; ReportError listing the known sweeps when there is none of that name.
orchestrator::SweepInfo find_sweep(const orchestrator::StoreReader& store, const std::string& name);

// `name` when given (and then it need not list the table), else the most recently created sweep
// whose spec lists `table`; ReportError when there is none.
orchestrator::SweepInfo sweep_for_table(const orchestrator::StoreReader& store, int64_t table, const std::string& name);

// `name` when given, else the most recently created sweep; ReportError when the database has none.
orchestrator::SweepInfo sweep_or_latest(const orchestrator::StoreReader& store, const std::string& name);

// A run's best weights, as render and export take them: the run named `run` ("best": by the sweep's
// objective at each run's best epoch, find_run()) of sweep `sweep` (sweep_or_latest()), and the folder of its
// checkpoints under the results root of `db_path` (or `results`); ReportError naming the run and the missing
// file where it has no best.pt.
struct RunWeights {
  orchestrator::SweepInfo sweep;
  RunSummary run;
  std::filesystem::path dir;
};
RunWeights run_weights(const orchestrator::StoreReader& store, const std::string& db_path, const std::string& results,
                       const std::string& sweep, const std::string& run);

}  // namespace bokeh::reports
