// Resuming from last.pt or prev.pt, passing over corrupt files and setting foreign ones aside
// (checkpoint_resume.h).
#include "training/checkpoint_resume.h"

#include <fmt/format.h>

#include "common/checkpoint_files.h"

namespace bokeh::training {

namespace fs = std::filesystem;

namespace {

// Moves a checkpoint this run must not continue to <folder>/set-aside/<name>[.N]; returns where.
fs::path set_aside(const fs::path& file) {
  const fs::path folder = file.parent_path() / common::kSetAsideFolder;
  fs::create_directories(folder);
  fs::path target = folder / file.filename();
  for (int n = 2; fs::exists(target); ++n) target = folder / fmt::format("{}.{}", file.filename().string(), n);
  fs::rename(file, target);
  return target;
}

}  // namespace

std::optional<TrainingState> resume_checkpoint(const fs::path& checkpoint_dir, const std::string& fingerprint,
                                               const std::string& owner, BokehNetImpl& model,
                                               torch::optim::Optimizer& optimizer, const torch::Device& device,
                                               const CheckpointNotice& notice) {
  std::string passed_over;
  for (const char* name : {common::kLastCheckpoint, common::kPreviousCheckpoint}) {
    const fs::path file = checkpoint_dir / name;
    if (!fs::exists(file)) continue;
    try {
      TrainingState state = load_checkpoint(file, fingerprint, model, optimizer, device, owner);
      if (!passed_over.empty() && notice)
        notice("checkpoint", fmt::format("{}; resumed from {} (epoch {})", passed_over, name, state.epoch));
      return state;
    } catch (const CorruptCheckpoint& e) {
      passed_over += (passed_over.empty() ? "" : "; ") + std::string(e.what());
    } catch (const ForeignCheckpoint& e) {  // never continued, never deleted: moved out of the way
      const fs::path aside = set_aside(file);
      passed_over += fmt::format("{}{}; set aside as {}", passed_over.empty() ? "" : "; ", e.what(), aside.string());
    }
  }
  if (!passed_over.empty() && notice) notice("checkpoint", passed_over + "; the run starts again from epoch 1");
  return std::nullopt;
}

}  // namespace bokeh::training
