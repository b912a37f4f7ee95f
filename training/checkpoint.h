// A training run's checkpoints: last.pt (model, optimizer, scheduler, epoch, best so far, epoch
// history, runtime, fp16 loss scale: everything an exact resume needs), prev.pt (the last.pt before
// it) and best.pt (the best weights). Each is written to a temporary file in the same folder and
// renamed over the old one, so a crash leaves either the previous or the new file, never a torn one;
// each carries a checksum of its contents, checked before anything is read from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "common/checkpoint_files.h"
#include "common/run_config.h"
#include "common/train_result.h"
#include "training/bokeh_net.h"
#include "training/loss_scaler.h"
#include "training/plateau_scheduler.h"

namespace bokeh::training {

// Everything in last.pt besides the model and the optimizer.
struct TrainingState {
  int64_t epoch = 0;       // epochs completed
  int64_t best_epoch = 0;  // 0 until the first epoch
  double best_val_loss = std::numeric_limits<double>::infinity();
  double lr = 0.0;  // learning rate for the next epoch
  PlateauState scheduler{std::numeric_limits<double>::infinity()};
  LossScalerState scaler;                     // fp16's loss scale (kept, unused, at other precisions)
  double runtime_seconds = 0.0;               // sum of the epochs' seconds
  double train_phase_seconds = 0.0;           // sum of the training phases' seconds (for images/s)
  std::vector<common::EpochFigures> history;  // one entry per completed epoch
};

// A checkpoint or weights file whose bytes fail their checksum (or lack it: truncated, foreign).
// Thrown before anything is restored from it.
class CorruptCheckpoint : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An intact checkpoint that this run must not continue: written for another run's settings (a
// different fingerprint) or by another owner (another sweep instance, or over other data). Thrown
// before anything is restored; the trainer sets such a file aside and starts from scratch.
class ForeignCheckpoint : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes last.pt atomically; with `previous`, the file it replaces is kept under that name (prev.pt).
// `fingerprint` names the run's settings and `owner` who may continue it (the sweep instance and the
// data's identity); loading compares both. The file names the model (common::model_descriptor).
void save_checkpoint(const std::filesystem::path& file, const std::string& fingerprint, const BokehNetImpl& model,
                     const torch::optim::Optimizer& optimizer, const TrainingState& state,
                     const std::filesystem::path& previous = {}, const std::string& owner = {});

// Restores model and optimizer (already built for the same run, on `device`) and returns the rest.
// Throws CorruptCheckpoint when its checksum fails (nothing restored), ForeignCheckpoint when it was
// written for another run (a different fingerprint) or another owner (a checkpoint without an owner
// has owner ""), std::runtime_error naming the file when it is unreadable or not a checkpoint, or names
// another model than `model` (a checkpoint written before model descriptors is vouched for by its fingerprint).
TrainingState load_checkpoint(const std::filesystem::path& file, const std::string& fingerprint, BokehNetImpl& model,
                              torch::optim::Optimizer& optimizer, const torch::Device& device,
                              const std::string& owner = {});

// best.pt: the model's weights and buffers with its descriptor (arch and shape). Written atomically.
void save_weights(const std::filesystem::path& file, const BokehNet& model);

// Loads best.pt into the module `model` points to (on `device`); throws std::runtime_error naming the
// file when it is unreadable or foreign, or holds another model (naming both). A file written before
// model descriptors holds a U-Net of the width, depth and batch norm it records.
void load_weights(const std::filesystem::path& file, BokehNet model, const torch::Device& device);

// The best weights of a run whose checkpoints are in `checkpoint_dir`, in the model `config` names,
// on the CPU, in eval mode.
BokehNet load_best_model(const std::filesystem::path& checkpoint_dir, const common::ModelConfig& config);

}  // namespace bokeh::training
