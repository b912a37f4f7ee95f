// The weighted sum of the focus-weighted pyramid L1, 1 - SSIM and LPIPS.
#include "training/bokeh_loss.h"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "training/focus_l1.h"
#include "training/ssim.h"

namespace bokeh::training {

BokehLoss::BokehLoss(common::LossConfig config, Lpips lpips) : config_(config), lpips_(std::move(lpips)) {
  if (config_.l1 < 0 || config_.ssim < 0 || config_.lpips < 0)
    throw std::invalid_argument(
        fmt::format("loss weights must be >= 0 (l1 {}, ssim {}, lpips {})", config_.l1, config_.ssim, config_.lpips));
  if (config_.lpips > 0 && !lpips_)
    throw std::invalid_argument(
        fmt::format("the LPIPS loss weight is {} but no LPIPS weights file was given: write one once with "
                    "tools/export_lpips_weights.py (needs internet and `pip install lpips`), then name it as "
                    "metrics.lpips_weights in the sweep spec or --lpips-weights on the command line (or set the LPIPS "
                    "loss weight to 0)",
                    config_.lpips));
}

LossTerms BokehLoss::operator()(const torch::Tensor& prediction, const torch::Tensor& target,
                                const torch::Tensor& input) const {
  const auto focus = focus_l1(prediction, target, input, config_.focus).mean();
  const auto similarity = ssim(prediction, target).mean();
  auto total = config_.l1 * focus + config_.ssim * (1.0 - similarity);

  double lpips_value = std::numeric_limits<double>::quiet_NaN();
  if (lpips_) {
    torch::Tensor distance;
    if (config_.lpips > 0) {
      distance = lpips_->forward(prediction, target).mean();
      total = total + config_.lpips * distance;
    } else {
      torch::NoGradGuard no_grad;
      distance = lpips_->forward(prediction, target).mean();
    }
    lpips_value = distance.item<double>();
  }
  return {total, focus.item<double>(), similarity.item<double>(), lpips_value};
}

}  // namespace bokeh::training
