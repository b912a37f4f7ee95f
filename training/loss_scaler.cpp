// The fp16 loss scaler: scale, unscale with an inf/NaN check, growth and backoff.
#include "training/loss_scaler.h"

#include <cmath>

namespace bokeh::training {

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const { return enabled_ ? loss * state_.scale : loss; }

bool LossScaler::unscale(const std::vector<torch::Tensor>& parameters) const {
  if (!enabled_) return true;
  const double inverse = 1.0 / state_.scale;
  torch::NoGradGuard no_grad;
  torch::Tensor non_finite;  // count of non-finite gradient entries, on the gradients' device
  for (const auto& parameter : parameters) {
    torch::Tensor grad = parameter.grad();
    if (!grad.defined()) continue;
    grad.mul_(inverse);
    const torch::Tensor bad = torch::isfinite(grad).logical_not().sum();
    non_finite = non_finite.defined() ? non_finite + bad : bad;
  }
  return !non_finite.defined() || non_finite.item<int64_t>() == 0;
}

void LossScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    state_.scale *= kBackoffFactor;
    state_.growth_tracker = 0;
    return;
  }
  if (++state_.growth_tracker == kGrowthInterval) {
    const double grown = state_.scale * kGrowthFactor;
    if (std::isfinite(grown)) state_.scale = grown;
    state_.growth_tracker = 0;
  }
}

}  // namespace bokeh::training
