// Dynamic loss scaling for fp16 training, with PyTorch's GradScaler semantics: the loss is
// multiplied by the scale before backward; the gradients are divided by it before the optimizer
// step; a step whose gradients hold an inf or NaN is skipped and the scale halves; after
// kGrowthInterval finite steps in a row the scale doubles. Its state goes into last.pt, so that a
// resumed run scales exactly as an uninterrupted one. Disabled (bf16, fp32) it changes nothing.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace bokeh::training {

struct LossScalerState {
  double scale = 65536.0;      // 2^16, PyTorch's initial scale
  int64_t growth_tracker = 0;  // finite steps in a row since the scale last changed
};

class LossScaler {
 public:
  static constexpr double kGrowthFactor = 2.0;
  static constexpr double kBackoffFactor = 0.5;
  static constexpr int64_t kGrowthInterval = 2000;

  explicit LossScaler(bool enabled, LossScalerState state = {}) : enabled_(enabled), state_(state) {}

  bool enabled() const { return enabled_; }
  const LossScalerState& state() const { return state_; }

  // loss * scale (the loss itself when disabled).
  torch::Tensor scale(const torch::Tensor& loss) const;

  // Divides every defined gradient of `parameters` by the scale, in place; returns whether all of
  // them are finite (one host synchronisation). Disabled: true, gradients untouched.
  bool unscale(const std::vector<torch::Tensor>& parameters) const;

  // After a step: a non-finite step halves the scale and restarts the count; a finite one counts,
  // and the kGrowthInterval-th in a row doubles the scale (unless that overflows). Disabled: nothing.
  void update(bool finite);

 private:
  bool enabled_;
  LossScalerState state_;
};

}  // namespace bokeh::training
