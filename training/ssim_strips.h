// SSIM of one large image pair a channel and a strip of rows at a time, for `metrics`: each strip
// carries the window's 10 extra rows that its last valid windows reach into, so the strips' SSIM
// maps tile the whole image's map exactly and the mean equals training/ssim.h's ssim (to rounding),
// while memory holds one strip's float64 moments instead of the whole image's.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace bokeh::training {

// x, y: (C, H, W) of one shape, any real dtype and strides (a permuted view of interleaved samples
// will do), H and W >= 11; `scale` maps their values to [0, 1] (1 / 65535 for 16-bit samples).
// `strip_rows` (>= 1): rows of the SSIM map per strip. Throws std::invalid_argument like ssim.
double ssim_in_strips(const torch::Tensor& x, const torch::Tensor& y, double scale, int64_t strip_rows);

}  // namespace bokeh::training
