// Focus figures of predicted images against their targets under a per-pixel in-focus weight map
// w in [0, 1] (1 = in focus, 0 = background); the background's weights are 1 - w.
//
//   fg_psnr = 10 log10(1 / MSE_w), MSE_w = sum w (p - t)^2 / (3 sum w) over pixels and the 3
//             channels (data range 1); bg_psnr the same with 1 - w.
//   fg_ssim = sum m w' / sum w', m the SSIM map of training/ssim.h (Gaussian 11x11, sigma 1.5, valid
//             window) averaged over channels, w' the weights cropped to the map (5 px off each side);
//             bg_ssim the same with 1 - w.
//   bg_blur = |10 log10((e(pred) + f) / (e(target) + f))| dB, e(x) = sum b' g(x) / sum b', g the
//             gradient energy (central differences, squared, summed over x and y, averaged over
//             channels), b' the background weights cropped to g (1 px), f = kGradientEnergyFloor.
//             0 when the output's background keeps as much fine detail as the target's: neither
//             sharper (too little bokeh) nor blurrier (too much); sweeps/README.md says why.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "training/focus_scores.h"

namespace bokeh::training {

// A floor under the mean gradient energy, about what 8-bit rounding alone adds (rounding errors of
// variance 1 / (12 * 255^2) give 1.3e-6), so that two flat backgrounds compare as equal instead of as a
// ratio of rounding noise.
constexpr double kGradientEnergyFloor = 1e-6;

// pred, target: (N, 3, H, W) in [0, 1] of one floating dtype; weights: (N, 1, H, W) in [0, 1] on
// their device. Per image, no gradient; one transfer to the CPU per call. Throws
// std::invalid_argument on other shapes or dtypes, or weights outside [0, 1].
std::vector<FocusScores> focus_scores(const torch::Tensor& pred, const torch::Tensor& target,
                                      const torch::Tensor& weights);

// The same figures left on the inputs' device: (N, 5) float64, one row per image, the columns in
// common::kFocusFigures' order, NaN where an image lacks the figure. Checks the shapes and dtypes but not
// the weights' range (that check would wait for the device): for weights known to lie in [0, 1], such as
// the prepared data's focus masks.
torch::Tensor focus_figure_table(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights);

}  // namespace bokeh::training
