// The results folder layout.
#include "store/results_layout.h"

namespace bokeh::orchestrator {

std::filesystem::path results_root(const std::filesystem::path& db_path, const std::string& override_root) {
  if (!override_root.empty()) return override_root;
  const std::filesystem::path parent = db_path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

std::filesystem::path sweep_folder(const std::filesystem::path& root, const std::string& sweep) { return root / sweep; }

std::filesystem::path sweep_data_dir(const std::filesystem::path& root, const std::string& sweep) {
  return sweep_folder(root, sweep) / "data";
}

std::filesystem::path run_checkpoint_dir(const std::filesystem::path& root, const std::string& sweep,
                                         const std::string& run_key) {
  return sweep_folder(root, sweep) / "checkpoints" / run_key;
}

}  // namespace bokeh::orchestrator
