// The in-focus mask and the focus-weighted L1 over a Gaussian pyramid (see focus_l1.h).
#include "training/focus_l1.h"

#include <stdexcept>

#include <fmt/format.h>

#include "training/ssim.h"

namespace bokeh::training {

namespace {
// Binomial approximation of a Gaussian (sigma ~1), the classic Burt-Adelson pyramid kernel.
torch::Tensor binomial5(const torch::TensorOptions& options) {
  return torch::tensor({1.0, 4.0, 6.0, 4.0, 1.0}, options.dtype(torch::kFloat64)).div(16.0).to(options);
}

// x: (B, C, H, W) -> same shape, blurred with replicated edges.
torch::Tensor blur5(const torch::Tensor& x) {
  const auto padded = torch::replication_pad2d(x, {2, 2, 2, 2});
  return separable_filter_valid(padded, binomial5(x.options()));
}

void check_config(const common::FocusL1Config& config) {
  if (config.levels < 1 || !(config.in_focus_weight > 0.0) || !(config.mask_scale > 0.0))
    throw std::invalid_argument(
        fmt::format("focus L1: need levels >= 1, in_focus_weight > 0 and mask_scale > 0 (got {}, {}, {})",
                    config.levels, config.in_focus_weight, config.mask_scale));
}

void check_images(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.dim() != 4 || a.size(1) != 3 || a.sizes() != b.sizes())
    throw std::invalid_argument(fmt::format("focus L1: expected (B, 3, H, W) tensors of one shape, got {} and {}",
                                            c10::str(a.sizes()), c10::str(b.sizes())));
}
}  // namespace

torch::Tensor pyramid_down(const torch::Tensor& x) {
  using torch::indexing::Slice;
  return blur5(x).index({Slice(), Slice(), Slice(torch::indexing::None, torch::indexing::None, 2),
                         Slice(torch::indexing::None, torch::indexing::None, 2)});
}

torch::Tensor focus_mask(const torch::Tensor& input, const torch::Tensor& target, const common::FocusL1Config& config) {
  check_config(config);
  check_images(input, target);
  torch::NoGradGuard no_grad;
  const auto difference = (input - target).abs().mean(1, /*keepdim=*/true);  // (B, 1, H, W)
  return torch::exp(-blur5(difference) / config.mask_scale);
}

torch::Tensor focus_l1(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& input,
                       const common::FocusL1Config& config) {
  check_images(prediction, target);
  auto mask = focus_mask(input, target, config);  // (B, 1, H, W)
  auto pred = prediction;
  auto truth = target;
  torch::Tensor total;
  for (int64_t level = 0; level < config.levels; ++level) {
    if (level > 0) {
      pred = pyramid_down(pred);
      truth = pyramid_down(truth);
      mask = pyramid_down(mask);
    }
    const auto weight = 1.0 + (config.in_focus_weight - 1.0) * mask;       // (B, 1, h, w)
    const auto weighted = (weight * (pred - truth).abs()).sum({1, 2, 3});  // (B,)
    const auto value = weighted / (weight.sum({1, 2, 3}) * pred.size(1));  // (B,)
    total = level == 0 ? value : total + value;
  }
  return total / static_cast<double>(config.levels);
}

}  // namespace bokeh::training
