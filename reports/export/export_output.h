// Where an export lands, never half-written: one file written atomically, or a folder of files
// written under a temporary name beside it and renamed into place once complete. A path that cannot
// be written (a folder where a file is expected, a non-empty folder, a file where a folder is
// expected, no permission) is ReportInputError, one line naming it; one that would replace or land in
// what a sweep keeps (`protect`) is common::ProtectedOutput. Nothing is left behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/output_guard.h"

namespace bokeh::reports {

struct ExportFile {
  std::filesystem::path relative;  // inside the export's folder
  std::string bytes;
};

// Writes `bytes` to `file` (common::write_file_atomically).
void write_export_file(const std::filesystem::path& file, const std::string& bytes,
                       const common::ProtectedPaths& protect);

// Creates the folder `dir` holding `files`; `dir` must not exist or be an empty folder.
void write_export_folder(const std::filesystem::path& dir, const std::vector<ExportFile>& files,
                         const common::ProtectedPaths& protect);

}  // namespace bokeh::reports
