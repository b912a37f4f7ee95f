// PSNR and L1 per image.
#include "training/image_metrics.h"

#include <stdexcept>

#include <fmt/format.h>

namespace bokeh::training {

namespace {
void check_pair(const char* what, const torch::Tensor& pred, const torch::Tensor& target) {
  if (pred.dim() != 4 || pred.sizes() != target.sizes())
    throw std::invalid_argument(fmt::format("{}: expected two (B, C, H, W) tensors of one shape, got {} and {}", what,
                                            c10::str(pred.sizes()), c10::str(target.sizes())));
}
}  // namespace

torch::Tensor psnr(const torch::Tensor& pred, const torch::Tensor& target) {
  check_pair("psnr", pred, target);
  const auto mse = (pred - target).pow(2).mean({1, 2, 3});
  return -10.0 * torch::log10(mse);  // data range 1: 10 log10(1^2 / mse)
}

torch::Tensor l1_error(const torch::Tensor& pred, const torch::Tensor& target) {
  check_pair("l1", pred, target);
  return (pred - target).abs().mean({1, 2, 3});
}

}  // namespace bokeh::training
