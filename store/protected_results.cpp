// The protected paths of a results database and its sweeps' folders.
#include "store/protected_results.h"

#include "store/folder_owner.h"
#include "store/results_layout.h"

namespace bokeh::orchestrator {

namespace {
void add_sweep_folders(common::ProtectedPaths& paths, const std::vector<SweepInfo>& sweeps,
                       const std::filesystem::path& results_root) {
  for (const SweepInfo& sweep : sweeps) {
    const std::filesystem::path folder = sweep_folder(results_root, sweep.name);
    paths.folders.push_back({sweep_data_dir(results_root, sweep.name), "the prepared data of sweep " + sweep.name});
    paths.folders.push_back({folder / "checkpoints", "the checkpoints of sweep " + sweep.name});
    paths.folders.push_back({folder / kSetAsideFolder, "the set-aside files of sweep " + sweep.name});
    paths.files.push_back({folder / kFolderOwnerFile, "the owner file of sweep " + sweep.name});
    if (!sweep.data_file.empty()) paths.files.push_back({sweep.data_file, "the prepared data of sweep " + sweep.name});
  }
}
}  // namespace

common::ProtectedPaths protected_results(const StoreReader& store, const std::filesystem::path& db_path,
                                         const std::string& results_override) {
  common::ProtectedPaths paths;
  paths.add_database(db_path);
  const std::vector<SweepInfo> sweeps = store.sweeps();
  add_sweep_folders(paths, sweeps, results_root(db_path));
  if (!results_override.empty()) add_sweep_folders(paths, sweeps, results_override);
  return paths;
}

}  // namespace bokeh::orchestrator
