// `report --export FORMAT PATH`: a sweep written in another tool's format: tensorboard (a folder of
// event files, tensorboard_export.h) or optuna (a JournalStorage file, optuna_journal.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/output_guard.h"
#include "store/store_reader.h"

namespace bokeh::reports {

// The formats, as --export names them.
std::vector<std::string> export_formats();

// Writes the sweep named `sweep` (the latest when "") to `path` in `format`, never half-written
// (export_output.h); ReportInputError for an unknown sweep or format or a path it cannot write,
// common::ProtectedOutput for one in `protect`. Returns the sweep's name.
std::string export_sweep(const orchestrator::StoreReader& store, const common::ProtectedPaths& protect,
                         const std::string& sweep, const std::string& format, const std::filesystem::path& path);

}  // namespace bokeh::reports
