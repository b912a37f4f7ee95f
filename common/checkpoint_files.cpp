// Presence and removal of a run's resumable checkpoints.
#include "common/checkpoint_files.h"

namespace bokeh::common {

bool has_checkpoint(const std::filesystem::path& checkpoint_dir) {
  return std::filesystem::exists(checkpoint_dir / kLastCheckpoint) ||
         std::filesystem::exists(checkpoint_dir / kPreviousCheckpoint);
}

void remove_checkpoints(const std::filesystem::path& checkpoint_dir) {
  std::filesystem::remove(checkpoint_dir / kLastCheckpoint);
  std::filesystem::remove(checkpoint_dir / kPreviousCheckpoint);
}

}  // namespace bokeh::common
