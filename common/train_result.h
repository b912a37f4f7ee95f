// The figures a training run produces, as plain types without libtorch: one epoch's figures, the
// test metrics and a finished run's result. The trainer fills them; the protocol, the store and the
// reports carry and read them (common/result_json.h is their one JSON form).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bokeh::common {

// The in-focus / background figures of one image, or their means over a set of images, under a per-pixel
// in-focus weight map (training/focus_metrics.h defines them, sweeps/README.md says why): each empty where
// the pixels it looks at weigh nothing (no in-focus pixel for fg_*, no background for bg_*).
struct FocusFigures {
  std::optional<double> fg_psnr, bg_psnr;  // dB, data range 1; +inf where the region matches exactly
  std::optional<double> fg_ssim, bg_ssim;  // the SSIM map averaged under the weights
  std::optional<double> bg_blur;           // dB, 0 = as blurred as the target (lower is better)
};

// The focus figures by name, in the order every list of them follows (the validation figures below,
// the trainer's sums, the results' test_* keys).
inline constexpr std::pair<const char*, std::optional<double> FocusFigures::*> kFocusFigures[] = {
    {"fg_psnr", &FocusFigures::fg_psnr},
    {"fg_ssim", &FocusFigures::fg_ssim},
    {"bg_psnr", &FocusFigures::bg_psnr},
    {"bg_ssim", &FocusFigures::bg_ssim},
    {"bg_blur", &FocusFigures::bg_blur}};

// One epoch's figures, as handed to TrainOptions::on_epoch and kept in the checkpoint.
struct EpochFigures {
  int64_t epoch;             // 1-based
  double train_loss;         // mean of the epoch's batch losses
  double val_loss;           // mean over the validation pairs
  double gap;                // |val_loss - train_loss|
  double lr;                 // learning rate used during this epoch
  double seconds;            // wall time of the epoch: training, validation, saving the best weights
  double images_per_second;  // training pairs / seconds of the training phase
  // Per-image means over the validation pairs of L1, PSNR, SSIM (and LPIPS with an LPIPS net), from the
  // validation pass's predictions (the conventions of ImageMetrics). Empty where not computed: in
  // epochs trained by an older build (a last.pt, a database, a message of before), and LPIPS without a net.
  std::optional<double> val_l1 = {}, val_psnr = {}, val_ssim = {}, val_lpips = {};
  // The focus figures (FocusFigures) of the same predictions under the validation pairs' focus masks; empty
  // where not computed (epochs trained before them) or where no pair has the region.
  std::optional<double> val_fg_psnr = {}, val_fg_ssim = {}, val_bg_psnr = {}, val_bg_ssim = {}, val_bg_blur = {};
};

// The validation figures of an epoch by name: their key in an epoch's JSON, in a run's results (the last
// epoch's there; "best_" + name the best epoch's) and in the store's epoch rows.
inline constexpr std::pair<const char*, std::optional<double> EpochFigures::*> kValidationFigures[] = {
    {"val_l1", &EpochFigures::val_l1},           {"val_psnr", &EpochFigures::val_psnr},
    {"val_ssim", &EpochFigures::val_ssim},       {"val_lpips", &EpochFigures::val_lpips},
    {"val_fg_psnr", &EpochFigures::val_fg_psnr}, {"val_fg_ssim", &EpochFigures::val_fg_ssim},
    {"val_bg_psnr", &EpochFigures::val_bg_psnr}, {"val_bg_ssim", &EpochFigures::val_bg_ssim},
    {"val_bg_blur", &EpochFigures::val_bg_blur}};

// Per-image means of L1, PSNR (+inf for identical images), SSIM, LPIPS and the focus figures over a split:
// the test split's of a finished run; each epoch's validation figures come from the same computation.
struct ImageMetrics {
  double l1, psnr, ssim;
  std::optional<double> lpips;  // empty without an LPIPS net
  FocusFigures focus = {};      // under the split's focus masks; each the mean over the images that have it
};

// How fast the best weights render one photo at the study's full EBB! resolution (kInferenceHeight x
// kInferenceWidth, batch 1) on the run's device with the worker's threads: the median seconds of `repeats`
// timed forward passes after a warm-up one, and the peak bytes held at once in the tensors they allocate
// (the weights not included; training/inference_time.h says how each device counts them). Measured when
// the spec's metrics.inference_repeats > 0.
inline constexpr int64_t kInferenceHeight = 1024, kInferenceWidth = 1536;
struct InferenceFigures {
  double seconds = 0;
  std::optional<double> peak_mb;  // empty where the platform cannot say
  std::string device;             // "cpu, 2 threads", "cuda:0"
  int64_t repeats = 0;
};

struct TrainResult {
  int64_t epochs;      // epochs trained (config.epochs)
  int64_t best_epoch;  // 1-based, by validation loss
  double best_val_loss;
  double train_loss, val_loss, gap;  // the last epoch's
  ImageMetrics test;                 // of the best weights (not computed on a group member other than the leader)
  double runtime_seconds;            // sum of all epochs' seconds, including those before a resume
  double images_per_second;          // training pairs processed / seconds spent in training phases
  int64_t parameters;
  std::vector<EpochFigures> history;          // every epoch's figures, 1..epochs (restored ones included)
  std::string precision = "fp32";             // the forward pass's, as train.precision resolved on the device
  std::string libtorch;                       // the libtorch version that trained it (TORCH_VERSION)
  std::optional<InferenceFigures> inference;  // of the best weights, when measured (leader only)
};

}  // namespace bokeh::common
