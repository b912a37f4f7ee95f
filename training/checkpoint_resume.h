// Where a run continues from: the newest intact checkpoint of its folder (last.pt, else prev.pt),
// restored into the model and optimizer; corrupt ones passed over, foreign ones set aside, and said.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <torch/torch.h>

#include "training/bokeh_net.h"
#include "training/checkpoint.h"

namespace bokeh::training {

// Told (kind "checkpoint", one line) what was passed over or set aside.
using CheckpointNotice = std::function<void(const std::string& kind, const std::string& text)>;

// The state of the newest checkpoint in `checkpoint_dir` that this run (fingerprint, owner: see
// load_checkpoint) may continue, restored into model and optimizer; nullopt: the run starts from
// scratch. A corrupt file is passed over; a foreign one (another run's, sweep instance's or data's)
// is moved to checkpoint_dir/set-aside/<name>[.N], never deleted. Either is said once through
// `notice` (may be empty).
std::optional<TrainingState> resume_checkpoint(const std::filesystem::path& checkpoint_dir,
                                               const std::string& fingerprint, const std::string& owner,
                                               BokehNetImpl& model, torch::optim::Optimizer& optimizer,
                                               const torch::Device& device, const CheckpointNotice& notice);

}  // namespace bokeh::training
