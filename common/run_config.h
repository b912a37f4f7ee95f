// The settings of one training run: model, loss, optimiser, schedule, data. Plain structs shared
// by the trainer (training/) and the spec/store (orchestrator/); defaults are the study's.
#pragma once

#include <cstdint>
#include <string>

namespace bokeh::common {

// The model: its architecture (common/model_arch.h) and shape. The U-Net's (study Algorithm 1):
// `width` channels at the first level, doubling per level; `depth` encoder blocks (depth - 1 max-pools).
struct ModelConfig {
  int64_t width = 32;
  int64_t depth = 3;
  bool batch_norm = true;
  std::string arch = "unet";
  // Channels of the photo the model reads: 3 (RGB); 4 with a depth map as the 4th (data.depth). Not a
  // model.* setting: the data decides it; checkpoints name it only when it is not 3.
  int64_t input_channels = 3;
  bool attention = false;  // U-Net: additive attention gates on the skip connections (Oktay et al. 2018)
};

// Focus-weighted L1 over a Gaussian pyramid (study 4.3); see training/focus_l1.h for the meaning
// and the reasons behind each default.
struct FocusL1Config {
  int64_t levels = 3;            // pyramid levels (full resolution plus levels-1 halvings)
  double in_focus_weight = 4.0;  // weight of in-focus pixels; out-of-focus pixels weigh 1
  double mask_scale = 0.02;      // |input - target| (channel mean) at which a pixel counts as out of focus
};

// Total loss = l1 * FocusL1 + ssim * (1 - SSIM) + lpips * LPIPS (study eq. 1).
struct LossConfig {
  double l1 = 1.0;
  double ssim = 1.0;
  double lpips = 0.5;
  FocusL1Config focus;
};

// ReduceLROnPlateau on the validation loss with PyTorch's semantics (mode "min", relative threshold).
struct SchedulerConfig {
  bool enabled = false;  // the study's search runs used a constant rate; its final run (Table 4) did not
  double factor = 0.8;
  int64_t patience = 3;
  double threshold = 1e-4;
  int64_t cooldown = 0;
  double min_lr = 0.0;
};

struct TrainConfig {
  ModelConfig model;
  LossConfig loss;
  SchedulerConfig scheduler;
  double lr = 2e-4;
  int64_t batch_size = 4;
  int64_t epochs = 10;
  double weight_decay = 0.0;  // > 0 selects AdamW
  bool augment = false;       // random flips and rot90, derived from (seed, epoch)
  std::string precision =
      "auto";         // auto | fp32 | bf16 | fp16 (training/precision.h; auto: bf16 on capable GPUs, else fp32)
  uint64_t seed = 0;  // the run's seed: weights init, shuffling, augmentation
};

// Built-in synthetic EBB!-like pairs (training/data/synthetic_renderer.h).
struct SyntheticConfig {
  int64_t count = 300;  // pairs rendered (train + validation + test are taken from these)
  int64_t size = 128;   // rendered square size in pixels
  uint64_t seed = 7;
  double focus = 0.5;     // focus depth in [0, 1] of the subjects' depth range (0 near, 1 far)
  double aperture = 1.0;  // blur strength multiplier (1 ~ f/1.8 on EBB!)

  bool operator==(const SyntheticConfig&) const = default;
};

// Where the pairs come from and how they are cut into train / validation / test.
struct DataConfig {
  std::string source = "synthetic";  // "synthetic" or "ebb"
  std::string root;                  // EBB!: folder holding original/ and bokeh/
  std::string test_root;             // EBB!: optional separate test folder ("" = carve test from root)
  std::string mask_root;             // EBB!: optional folder of focus masks matched by stem ("" = derived)
  int64_t height = 128;              // resolution every pair is resized to once, in the prepared cache
  int64_t width = 128;
  int64_t train_pairs = 192;  // after the seeded 80:20 split, subsets of these sizes are used
  int64_t val_pairs = 48;
  int64_t test_pairs = 32;
  uint64_t split_seed = 0;
  SyntheticConfig synthetic;

  bool operator==(const DataConfig&) const = default;
};

}  // namespace bokeh::common
