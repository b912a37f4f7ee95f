// The owner file of a sweep folder and the setting aside of a discarded instance's files.
#include "store/folder_owner.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "common/atomic_file.h"
#include "common/output_guard.h"

namespace bokeh::orchestrator {

namespace fs = std::filesystem;

namespace {
constexpr const char* kOwnerFormat = "bokeh-sweep folder owner 1";

fs::path absolute_normal(const fs::path& path) {
  std::error_code error;
  const fs::path absolute = fs::absolute(path, error);
  return (error ? path : absolute).lexically_normal();
}
}  // namespace

std::optional<FolderOwner> read_folder_owner(const fs::path& sweep_folder) {
  std::ifstream in(sweep_folder / kFolderOwnerFile);
  if (!in) return std::nullopt;
  std::string format, instance_line, database_line;
  std::getline(in, format);
  std::getline(in, instance_line);
  std::getline(in, database_line);
  const std::string instance_tag = "instance ", database_tag = "database ";
  if (format != kOwnerFormat || instance_line.rfind(instance_tag, 0) != 0 || database_line.rfind(database_tag, 0) != 0)
    return FolderOwner{};
  FolderOwner owner;
  owner.instance = instance_line.substr(instance_tag.size());
  const fs::path database = database_line.substr(database_tag.size());
  owner.database = absolute_normal(database.is_absolute() ? database : sweep_folder / database);
  return owner;
}

void write_folder_owner(const fs::path& sweep_folder, const std::string& instance, const fs::path& database) {
  const fs::path folder = absolute_normal(sweep_folder), db = absolute_normal(database);
  fs::path relative = db.lexically_relative(folder);
  if (relative.empty()) relative = db;
  common::write_file_atomically(
      sweep_folder / kFolderOwnerFile,
      fmt::format("{}\ninstance {}\ndatabase {}\n", kOwnerFormat, instance, relative.string()));
}

void check_folder_database(const fs::path& sweep_folder, const std::string& sweep, const fs::path& database) {
  const std::optional<FolderOwner> owner = read_folder_owner(sweep_folder);
  if (!owner || owner->database.empty() || common::same_file(owner->database, database)) return;
  std::error_code error;
  if (!fs::exists(owner->database, error)) return;
  throw FolderOwnedError(fmt::format(
      "{} holds the checkpoints and prepared data of sweep \"{}\" of another database, {}; two databases in one "
      "folder would share them: give {} a folder of its own (--db OTHER_FOLDER/{}) or rename the sweep",
      sweep_folder.string(), sweep, owner->database.string(), database.string(), database.filename().string()));
}

fs::path set_aside_sweep_files(const fs::path& sweep_folder, const std::string& instance, bool with_data) {
  std::vector<const char*> present;
  for (const char* name : {"checkpoints", "data"}) {
    std::error_code error;
    if ((with_data || std::string(name) != "data") && fs::exists(sweep_folder / name, error)) present.push_back(name);
  }
  if (present.empty()) return {};
  const std::string base = instance.empty() ? "unowned" : instance;
  fs::path target = sweep_folder / kSetAsideFolder / base;
  for (int n = 2; fs::exists(target); ++n) target = sweep_folder / kSetAsideFolder / fmt::format("{}-{}", base, n);
  try {
    fs::create_directories(target);
    for (const char* name : present) fs::rename(sweep_folder / name, target / name);
  } catch (const fs::filesystem_error& e) {
    throw std::runtime_error(fmt::format("cannot set aside the files of {} in {}: {}", sweep_folder.string(),
                                         target.string(), e.code().message()));
  }
  return target;
}

}  // namespace bokeh::orchestrator
