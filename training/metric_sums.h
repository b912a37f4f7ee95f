// Sums of the per-image metrics (L1, PSNR, SSIM and, with an LPIPS net, LPIPS) over batches of
// predictions, and their means: what the trainer reports of the validation pairs every epoch and of
// the test pairs at the end, one computation for both (training/image_metrics.h, training/ssim.h).
#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "common/train_result.h"
#include "training/lpips.h"

namespace bokeh::training {

struct MetricSums {
  double l1 = 0.0, psnr = 0.0, ssim = 0.0, lpips = 0.0;  // lpips stays 0 without a net

  // Adds each image's figures. prediction, target: (B, 3, H, W) fp32 in [0, 1], H and W >= 11 (>= 31
  // with a net, which must be on their device); `lpips` may be empty.
  void add(const torch::Tensor& prediction, const torch::Tensor& target, const Lpips& lpips);

  // The per-image means over `images` images; LPIPS only `with_lpips`.
  common::ImageMetrics means(int64_t images, bool with_lpips) const;
};

}  // namespace bokeh::training
