// Per-image pixel metrics for images in [0, 1]: PSNR (data range 1) and mean absolute error.
// Callers average the per-image values over a set (the study's "PSNR averaged per image").
#pragma once

#include <torch/torch.h>

namespace bokeh::training {

// 10 log10(1 / MSE) per image; +inf for identical images. pred, target: (B, C, H, W) -> (B,).
torch::Tensor psnr(const torch::Tensor& pred, const torch::Tensor& target);

// Mean |pred - target| per image over channels and pixels. pred, target: (B, C, H, W) -> (B,).
torch::Tensor l1_error(const torch::Tensor& pred, const torch::Tensor& target);

}  // namespace bokeh::training
