// The files a run keeps in its checkpoint folder, named once for the trainer (libtorch) and the
// sweep's bookkeeping (no libtorch): last.pt (resume), prev.pt (the previous good last.pt, kept
// for when last.pt turns out corrupt) and best.pt (the best weights); and the set-aside/ folder
// where files a run or a sweep must not continue are moved (never deleted).
#pragma once

#include <filesystem>

namespace bokeh::common {

inline constexpr const char* kLastCheckpoint = "last.pt";
inline constexpr const char* kPreviousCheckpoint = "prev.pt";
inline constexpr const char* kBestWeights = "best.pt";
inline constexpr const char* kSetAsideFolder = "set-aside";

// Whether the folder holds a checkpoint to resume from (last.pt, or prev.pt alone after a crash
// between the two renames of a save).
bool has_checkpoint(const std::filesystem::path& checkpoint_dir);

// Removes last.pt and prev.pt (the run starts from scratch); best.pt stays until overwritten.
void remove_checkpoints(const std::filesystem::path& checkpoint_dir);

}  // namespace bokeh::common
