// SSIM as a stack of Gaussian-filtered moments: one grouped conv pass filters x, y, x^2, y^2 and
// x*y together, then the SSIM map is formed pointwise and averaged per image.
#include "training/ssim.h"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace bokeh::training {

torch::Tensor gaussian_kernel_1d(int64_t size, double sigma, const torch::TensorOptions& options) {
  auto t = torch::arange(size, options.dtype(torch::kFloat64)) - (size - 1) / 2.0;
  auto weights = torch::exp(-t * t / (2.0 * sigma * sigma));
  return (weights / weights.sum()).to(options);
}

torch::Tensor separable_filter_valid(const torch::Tensor& x, const torch::Tensor& kernel) {
  const int64_t channels = x.size(1), k = kernel.numel();
  auto vertical = kernel.reshape({1, 1, k, 1}).repeat({channels, 1, 1, 1});    // (C, 1, k, 1)
  auto horizontal = kernel.reshape({1, 1, 1, k}).repeat({channels, 1, 1, 1});  // (C, 1, 1, k)
  const int64_t stride = 1, padding = 0, dilation = 1;
  auto out = torch::conv2d(x, vertical, torch::Tensor(), stride, padding, dilation, channels);
  return torch::conv2d(out, horizontal, torch::Tensor(), stride, padding, dilation, channels);
}

void check_ssim_size(int64_t height, int64_t width) {
  if (height < kSsimWindow || width < kSsimWindow)
    throw std::invalid_argument(
        fmt::format("ssim: images must be at least {0}x{0} (valid window), got {1}x{2}", kSsimWindow, width, height));
}

torch::Tensor ssim_map(const torch::Tensor& x, const torch::Tensor& y) {
  if (x.dim() != 4 || x.sizes() != y.sizes())
    throw std::invalid_argument(fmt::format("ssim: expected two (B, C, H, W) tensors of one shape, got {} and {}",
                                            c10::str(x.sizes()), c10::str(y.sizes())));
  check_ssim_size(x.size(2), x.size(3));
  if (!x.is_floating_point() || x.scalar_type() != y.scalar_type())
    throw std::invalid_argument("ssim: expected two floating-point tensors of one dtype");

  const int64_t channels = x.size(1);
  const auto kernel = gaussian_kernel_1d(kSsimWindow, kSsimSigma, x.options());
  // moments: (B, 5C, h, w) with h = H - 10, w = W - 10
  const auto moments = separable_filter_valid(torch::cat({x, y, x * x, y * y, x * y}, 1), kernel);
  const auto parts = moments.split(channels, 1);
  const auto& mu_x = parts[0];
  const auto& mu_y = parts[1];
  const auto var_x = parts[2] - mu_x * mu_x;
  const auto var_y = parts[3] - mu_y * mu_y;
  const auto cov = parts[4] - mu_x * mu_y;

  constexpr double data_range = 1.0;
  const double c1 = (kSsimK1 * data_range) * (kSsimK1 * data_range);
  const double c2 = (kSsimK2 * data_range) * (kSsimK2 * data_range);
  return (2.0 * mu_x * mu_y + c1) * (2.0 * cov + c2) /
         ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2));  // (B, C, h, w)
}

torch::Tensor ssim(const torch::Tensor& x, const torch::Tensor& y) { return ssim_map(x, y).mean({1, 2, 3}); }

}  // namespace bokeh::training
