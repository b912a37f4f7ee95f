// Sums of the per-image metrics (L1, PSNR, SSIM, with an LPIPS net LPIPS, and under focus masks the focus
// figures) over batches of predictions, and their means: what the trainer reports of the validation
// pairs every epoch and of the test pairs at the end, one computation for both (training/image_metrics.h,
// training/ssim.h, training/focus_metrics.h). The sums stay on the predictions' device, so adding a
// batch waits for nothing; means() brings them over once.
#pragma once

#include <cstdint>
#include <iterator>

#include <torch/torch.h>

#include "common/train_result.h"
#include "training/lpips.h"

namespace bokeh::training {

struct MetricSums {
  // Zero sums on `device` (the predictions').
  explicit MetricSums(const torch::Device& device);

  // Adds each image's figures. prediction, target: (B, 3, H, W) fp32 in [0, 1], H and W >= 11 (>= 31
  // with a net, which must be on their device); focus_weights: (B, 1, H, W) in-focus weights in [0, 1]
  // on their device (not checked: the prepared data's masks), or undefined for no focus figures; `lpips`
  // may be empty. Each batch's figures are summed in fp32 (the focus figures in float64) and added up
  // in float64.
  void add(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& focus_weights,
           const Lpips& lpips);

  // The per-image means over `images` images; LPIPS only `with_lpips`; each focus figure over the images
  // that have it (empty where none has).
  common::ImageMetrics means(int64_t images, bool with_lpips) const;

  // float64 (kSums,): the sums of L1, PSNR, SSIM and LPIPS (0 without a net), then of each focus figure
  // (common::kFocusFigures' order) over the images that have it, then how many images have it. What a
  // training group adds up over its members.
  torch::Tensor sums;
  static constexpr int64_t kSums = 4 + 2 * static_cast<int64_t>(std::size(common::kFocusFigures));
};

}  // namespace bokeh::training
