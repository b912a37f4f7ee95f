// Trains one run: the U-Net with Adam/AdamW, ReduceLROnPlateau on the validation loss, per-epoch
// figures (losses and the validation set's L1, PSNR, SSIM, LPIPS), checkpoints after every epoch with exact resume, and
// test metrics of the best weights.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>

#include <torch/torch.h>

#include "common/run_config.h"
#include "common/train_result.h"
#include "training/checkpoint.h"
#include "training/data/prepared_data.h"
#include "training/lpips.h"
#include "training/training_group.h"
#include "training/bokeh_net.h"

namespace bokeh::training {

struct TrainOptions {
  torch::Device device{torch::kCPU};
  // Layout of the batches and the convolution weights. channels_last suits GPU tensor cores, and on
  // the CPU libtorch 2.15's oneDNN convolutions train 1.07-1.5x faster in it than in NCHW (bench/README.md).
  torch::MemoryFormat memory_format = torch::MemoryFormat::ChannelsLast;
  std::filesystem::path checkpoint_dir;  // holds last.pt (resume) and best.pt; "" = no checkpoints
  // The sweep instance the run belongs to (the store's id). Checkpoints carry it with the data's
  // checksum; one written by another instance or over other data (or for other settings) is moved to
  // checkpoint_dir/set-aside/ and the run starts from scratch, said through on_notice.
  std::string sweep_instance;
  Lpips lpips{nullptr};  // moved to `device`; empty: no LPIPS (loss.lpips must be 0)
  // Each epoch's validation pass also scores its predictions (EpochFigures::val_l1 ... val_bg_blur);
  // false: the loss only (bench/train_throughput measures what the scores cost).
  bool validation_metrics = true;
  std::function<void(const common::EpochFigures&)> on_epoch;  // called after each epoch's checkpoint is written
  std::function<bool()> stop_requested;                       // polled before every batch; true -> TrainingInterrupted
  // Called before every batch of training ("train"), validation ("validation") and testing ("test",
  // with epoch = the last one), batch 1-based within its phase: what a watchdog measures.
  std::function<void(const char* phase, int64_t epoch, int64_t batch)> on_progress;
  // Told (kind, one line) about what the run passed over: a corrupt or foreign last.pt (resumed from
  // prev.pt or from scratch instead) is kind "checkpoint".
  std::function<void(const std::string& kind, const std::string& text)> on_notice;
  // Set when several ranks train this run together (opened by the caller): each member takes its
  // shard of every batch and of the validation pairs, gradients are summed over the group weighted
  // by shard size (so every member steps with the whole batch's mean gradient), BatchNorm batch
  // statistics stay per member and the leader's running statistics are broadcast before each
  // validation. Every member reads checkpoint_dir/last.pt to resume (a shared filesystem across
  // nodes); only the leader writes checkpoints and computes test metrics.
  std::shared_ptr<TrainingGroup> group;
  // > 0: after the test metrics, the best weights render one full-resolution photo this many timed
  // times (training/inference_time.h; TrainResult::inference); 0: not measured (metrics.inference_repeats).
  int64_t inference_repeats = 0;
};

// Thrown when an allocation fails: one line naming the device, the batch size and the device's free
// and total memory (training/device_memory.h). The run fails; once its tensors are gone, the caller
// hands the cached blocks back (release_cached_memory) and the process can train the next run.
class OutOfMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when stop_requested() says so; last.pt then holds the last completed epoch.
class TrainingInterrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Trains config.epochs epochs (continuing from checkpoint_dir/last.pt when it exists, from prev.pt when
// last.pt is corrupt, from scratch when both are) and tests the best weights. The prepared pairs are
// put on the device once (training/data/batches.h) and the forward pass runs at config.precision as resolved
// for the device (training/precision.h); the loss, the optimizer state and the metrics stay fp32.
// Deterministic: on the CPU with the same thread count, a run resumed after epoch k ends bit-identical
// to one trained straight through. Throws std::runtime_error for a non-finite loss ("non-finite loss at
// epoch 3, batch 7") or a bad checkpoint, OutOfMemory, std::invalid_argument for impossible settings (a
// precision the device cannot run).
common::TrainResult train_run(const common::TrainConfig& config, const PreparedData& data, const TrainOptions& options);

// Lays the model's 4-d parameters (the convolutions' weights) out in `format`, as train_run does.
void lay_out(const BokehNet& model, torch::MemoryFormat format);

}  // namespace bokeh::training
