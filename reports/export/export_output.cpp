// An export's file or folder: a temporary beside it, renamed over it when complete.
#include "reports/export/export_output.h"

#include <fmt/format.h>

#include <system_error>

#include "common/atomic_file.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {

namespace fs = std::filesystem;

const char* const kOption = "--export";

void write_export_file(const fs::path& file, const std::string& bytes, const common::ProtectedPaths& protect) {
  try {
    common::refuse_protected_output(file, protect, kOption);
    common::write_file_atomically(file, bytes);
  } catch (const common::ProtectedOutput&) {
    throw;
  } catch (const common::FileWriteError& e) {
    throw ReportInputError(e.what());
  }
}

void write_export_folder(const fs::path& requested, const std::vector<ExportFile>& files,
                         const common::ProtectedPaths& protect) {
  try {
    common::refuse_protected_folder(requested, protect, kOption);
  } catch (const common::ProtectedOutput&) {
    throw;
  } catch (const common::FileWriteError& e) {
    throw ReportInputError(e.what());
  }
  std::error_code error;
  fs::path dir = requested;
  if (fs::is_symlink(fs::symlink_status(requested, error))) {  // a link to a folder: that folder is written
    dir = fs::canonical(requested, error);
    if (error) throw ReportInputError(fmt::format("cannot write {}: {}", requested.string(), error.message()));
  }
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/"
  if (fs::exists(dir, error)) {
    if (!fs::is_directory(dir, error))
      throw ReportInputError(fmt::format("cannot write {}: it exists and is not a folder", requested.string()));
    if (!fs::is_empty(dir, error))
      throw ReportInputError(fmt::format("{} is not empty: export into a new or empty folder", requested.string()));
  }
  const fs::path parent = fs::absolute(dir, error).parent_path();
  fs::create_directories(parent, error);
  if (error) throw ReportInputError(common::write_error(parent, error.value()).what());
  const fs::path temp = common::temporary_path(parent / dir.filename());
  try {
    fs::create_directory(temp, error);
    if (error) throw common::write_error(requested, error.value());
    for (const ExportFile& file : files) common::write_file_atomically(temp / file.relative, file.bytes);
    common::commit_file(temp, dir);  // over an empty folder too (rename(2) replaces one)
  } catch (const common::FileWriteError& e) {
    fs::remove_all(temp, error);
    throw ReportInputError(e.what());
  }
}

}  // namespace bokeh::reports
