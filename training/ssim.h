// Differentiable SSIM (torch ops, usable as a loss) and the separable Gaussian filter it is built on.
// Convention of TF's tf.image.ssim and scikit-image's structural_similarity with
// gaussian_weights=True, use_sample_covariance=False: an 11x11 Gaussian window with sigma 1.5,
// K1 = 0.01, K2 = 0.03, data range 1, population (biased) local variances, the "valid" window
// (no padding: only positions where the whole window lies inside the image), and the mean of
// the SSIM map over channels and pixels.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace bokeh::training {

constexpr int64_t kSsimWindow = 11;
constexpr double kSsimSigma = 1.5;
constexpr double kSsimK1 = 0.01;
constexpr double kSsimK2 = 0.03;

// Weights exp(-t^2 / (2 sigma^2)) at t = -(size-1)/2 .. (size-1)/2, normalised to sum 1: (size,).
torch::Tensor gaussian_kernel_1d(int64_t size, double sigma, const torch::TensorOptions& options);

// Filters every channel on its own with the separable kernel (a depthwise conv per axis), valid
// window. x: (B, C, H, W), kernel: (k,) -> (B, C, H - k + 1, W - k + 1).
torch::Tensor separable_filter_valid(const torch::Tensor& x, const torch::Tensor& kernel);

// Throws std::invalid_argument when a height x width image is too small for the valid window.
void check_ssim_size(int64_t height, int64_t width);

// The SSIM map (the index at each valid window position) of images in [0, 1]. x, y: (B, C, H, W)
// floating, H and W >= 11 -> (B, C, H - 10, W - 10). Throws like ssim.
torch::Tensor ssim_map(const torch::Tensor& x, const torch::Tensor& y);

// Per-image SSIM for images in [0, 1], the mean of ssim_map. x, y: (B, C, H, W) floating, H and W >= 11 -> (B,).
// Gradients flow to both inputs. Throws std::invalid_argument on mismatched or too small inputs.
torch::Tensor ssim(const torch::Tensor& x, const torch::Tensor& y);

}  // namespace bokeh::training
