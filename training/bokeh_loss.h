// The training loss (study eq. 1): total = l1 * FocusL1 + ssim * (1 - SSIM) + lpips * LPIPS,
// weights from LossConfig, each term averaged over the batch.
#pragma once

#include <torch/torch.h>

#include "common/run_config.h"
#include "training/lpips.h"

namespace bokeh::training {

struct LossTerms {
  torch::Tensor total;  // scalar, carries the gradient to the prediction
  double focus_l1;      // batch mean of FocusL1
  double ssim;          // batch mean of SSIM (the similarity, not 1 - SSIM)
  double lpips;         // batch mean of LPIPS; NaN when there is no LPIPS net
};

class BokehLoss {
 public:
  // `lpips` may be empty (Lpips{nullptr}) only when config.lpips == 0; otherwise throws
  // std::invalid_argument saying how to get the weights file. Negative weights are errors too.
  // With a net and config.lpips == 0, LPIPS is still reported (computed without gradient).
  BokehLoss(common::LossConfig config, Lpips lpips);

  // prediction, target, input: (B, 3, H, W) in [0, 1], H and W >= 11 (>= 31 with LPIPS);
  // target and input carry no gradient. With LPIPS they must be on the net's device (move the
  // net with lpips->to(device) before handing it over).
  LossTerms operator()(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& input) const;

  const common::LossConfig& config() const { return config_; }

 private:
  common::LossConfig config_;
  Lpips lpips_;
};

}  // namespace bokeh::training
