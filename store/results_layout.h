// Where a sweep's files live, defined once for `sweep`, `report` and `render`: the database (by
// default results/sweeps.db) and beside it, per sweep, <root>/<sweep>/data/ (the prepared data)
// and <root>/<sweep>/checkpoints/<run key>/ (last.pt, best.pt).
#pragma once

#include <filesystem>
#include <string>

namespace bokeh::orchestrator {

inline constexpr const char* kDefaultDbPath = "results/sweeps.db";

// The results root: `override_root` when given, else the database's folder ("." for a bare file name).
std::filesystem::path results_root(const std::filesystem::path& db_path, const std::string& override_root = "");

std::filesystem::path sweep_folder(const std::filesystem::path& root, const std::string& sweep);
std::filesystem::path sweep_data_dir(const std::filesystem::path& root, const std::string& sweep);
std::filesystem::path run_checkpoint_dir(const std::filesystem::path& root, const std::string& sweep,
                                         const std::string& run_key);

}  // namespace bokeh::orchestrator
