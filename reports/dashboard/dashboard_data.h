// The dashboard's data: one JSON snapshot of a sweep (or of every sweep) read from the store: its
// status (runs by state, attempts, failures, elapsed, ETA, epoch k of n per run), the study's Tables
// 1-4 as `report --table` builds them (each cell as shown there and its value for sorting), each
// run's loss curves with learning-rate drops, the settings that vary across runs next to the best
// validation loss and test PSNR (for the parallel coordinates), the Pareto front and the settings'
// importance (reports/tables/pareto.h, importance.h), and the spec as written.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "store/store_reader.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// A table as the page shows it: {"title", "columns": [{"header", "numeric"}], "rows": [[{"text",
// "value"}]], "notes"}; "text" is what markdown prints ("–" for a missing cell), "value" the number
// (or the text) it sorts by, null when missing.
nlohmann::json table_to_json(const Table& table);

// One sweep: {"name", "created", "spec_yaml", "overrides", "status", "runs", "varied", "tables",
// "pareto", "importance"} (the last two {"error": why} while they cannot be made).
// `now` is unix seconds (elapsed time of an unfinished sweep).
nlohmann::json sweep_snapshot(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep, double now);

// {"database", "generated", "sweeps": [...]}: the named sweep (ReportError when unknown) or every
// sweep, in the order they were registered. "database" is the file's name only: the snapshot is served
// and shared, and a folder path says more about the machine than the page needs.
nlohmann::json dashboard_snapshot(const orchestrator::StoreReader& store, const std::string& sweep, double now);

// The snapshot served before the database exists: no sweeps, and "waiting" saying so ("waiting for the
// sweep: sweeps.db does not exist yet"); the page shows that line and polls until the sweep creates it.
nlohmann::json waiting_snapshot(const std::string& db_path, double now);

}  // namespace bokeh::reports
