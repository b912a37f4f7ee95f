// Focus-weighted L1 over a Gaussian pyramid (study 4.3): pixels where the sharp input already
// agrees with the bokeh target are the in-focus subject (the lens left them alone), and errors
// there weigh more than errors in the blurred background, at every scale of a Gaussian pyramid.
//
//   d    = channel mean of |input - target|, blurred once with the 5-tap binomial kernel
//   mask = exp(-d / mask_scale)                      ~1 in focus, ~0 where the lens blurred
//   w    = 1 + (in_focus_weight - 1) * mask          in focus: in_focus_weight, background: 1
//   per level l (pred, target and mask each downsampled l times by pyramid_down):
//     L_l = sum_{c,y,x} w |pred - target| / (C * sum_{y,x} w)     (a normalised weighted mean)
//   FocusL1 = mean over the levels of L_l
//
// The defaults (FocusL1Config in common/run_config.h) and why. Figures measured on 40 built-in
// synthetic 128x128 pairs (focus 0.5, aperture 1), taking "in focus" as a circle of confusion
// under 0.5 px (16% of pixels) and "blurred" as one over 2 px (83%):
// - mask_scale = 0.02 (in units of the [0, 1] pixel range). Defocus moves blurred pixels less
//   than one might guess (median channel-mean |input - target| 0.033, quartiles 0.018 / 0.048;
//   smooth background barely changes), while in-focus pixels differ by 0 at the median and the
//   90th percentile and by 0.017 at the 99th (soft subject edges). Mean mask in focus / blurred: 0.05 gives 0.98 / 0.49
//   (hardly separates), 0.02 gives 0.95 / 0.19, 0.01 gives 0.93 / 0.05. 0.02 rather than 0.01
//   leaves room for what real pairs add in focus and the renderer does not: sensor noise, JPEG
//   error and slight misalignment of about 0.01, which keep a mask near exp(-0.5) = 0.6 at 0.02
//   but drop to 0.37 at 0.01. The light blur of d keeps single noisy pixels from flipping it.
// - in_focus_weight = 4: with the mask above, the 16% in-focus pixels get 32% of the L1 weight
//   (twice their share) instead of being outweighed 5:1 by the background, while the background
//   still dominates the colour and brightness of the bokeh. Sharpness of the subject is what
//   viewers check first, and the study weights it up for that reason.
// - levels = 3: full, 1/2 and 1/4 resolution. The coarser levels are low-pass copies, so their L1
//   mostly measures the brightness and colour of the blur discs, which the full-resolution L1
//   spreads thinly among texture errors; at the 128x128 training size the third level is 32x32,
//   about the size of the largest blur discs (the renderer caps the radius at size / 8 = 16 px),
//   and a fourth level (16x16) would hold little more than flat colour.
#pragma once

#include <torch/torch.h>

#include "common/run_config.h"

namespace bokeh::training {

// One Gaussian pyramid step: 5-tap binomial blur [1 4 6 4 1]/16 per axis with replicated edges,
// then every second pixel. x: (B, C, H, W) -> (B, C, ceil(H/2), ceil(W/2)).
torch::Tensor pyramid_down(const torch::Tensor& x);

// In-focus mask, no gradient. input, target: (B, 3, H, W) in [0, 1] -> (B, 1, H, W) in (0, 1].
torch::Tensor focus_mask(const torch::Tensor& input, const torch::Tensor& target, const common::FocusL1Config& config);

// Focus-weighted pyramid L1 per image, differentiable in `prediction`.
// prediction, target, input: (B, 3, H, W) in [0, 1] -> (B,). Throws std::invalid_argument on
// mismatched shapes or a config with levels < 1, in_focus_weight <= 0 or mask_scale <= 0.
torch::Tensor focus_l1(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& input,
                       const common::FocusL1Config& config);

}  // namespace bokeh::training
