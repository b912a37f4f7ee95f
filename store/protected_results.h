// What `report`, `render` and the other tools that write beside a results database must never
// replace: the database itself with its -wal, -shm and -journal files and, for every sweep it
// holds, the sweep's prepared data, checkpoints, set-aside folder and owner file.
#pragma once

#include <filesystem>

#include "common/output_guard.h"
#include "store/store_reader.h"

namespace bokeh::orchestrator {

// The paths above for the database at `db_path`, opened as `store`, with its sweeps' folders under
// the database's folder and, when given, under `results_override` (a tool's --results) too.
common::ProtectedPaths protected_results(const StoreReader& store, const std::filesystem::path& db_path,
                                         const std::string& results_override = "");

}  // namespace bokeh::orchestrator
