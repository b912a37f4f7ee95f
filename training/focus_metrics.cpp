// Focus figures (see focus_metrics.h): each figure is a ratio of weighted sums, computed for the whole
// batch on the inputs' device into one (N, 5) float64 tensor (NaN for "no value"); focus_scores brings it
// to the CPU in one transfer (after one check of the weights' range).
#include "training/focus_metrics.h"

#include <cmath>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "training/ssim.h"

namespace bokeh::training {

namespace {
void check_shapes(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights) {
  if (pred.dim() != 4 || pred.size(1) != 3 || pred.sizes() != target.sizes())
    throw std::invalid_argument(
        fmt::format("focus scores: expected two (N, 3, H, W) tensors of one shape, got {} and {}",
                    c10::str(pred.sizes()), c10::str(target.sizes())));
  if (weights.dim() != 4 || weights.size(1) != 1 || weights.size(0) != pred.size(0) ||
      weights.size(2) != pred.size(2) || weights.size(3) != pred.size(3))
    throw std::invalid_argument(fmt::format("focus scores: expected (N, 1, H, W) weights for images {}, got {}",
                                            c10::str(pred.sizes()), c10::str(weights.sizes())));
  if (!pred.is_floating_point() || pred.scalar_type() != target.scalar_type())
    throw std::invalid_argument("focus scores: expected two floating-point images of one dtype");
}

void check_range(const torch::Tensor& weights) {
  if (weights.numel() == 0) return;
  const auto [low_tensor, high_tensor] = torch::aminmax(weights);
  const auto range = torch::stack({low_tensor, high_tensor}).to(torch::kCPU, torch::kFloat64);  // one transfer
  const double low = range[0].item<double>(), high = range[1].item<double>();
  if (!(low >= 0.0 && high <= 1.0))
    throw std::invalid_argument(fmt::format("focus scores: weights must lie in [0, 1], got [{}, {}]", low, high));
}

// x: (N, C, H, W) without `margin` pixels on each side.
torch::Tensor crop(const torch::Tensor& x, int64_t margin) {
  return x.narrow(2, margin, x.size(2) - 2 * margin).narrow(3, margin, x.size(3) - 2 * margin);
}

// The sum over pixels of value * weights, both (N, 1, h, w) -> (N,) float64.
torch::Tensor weighted_sum(const torch::Tensor& value, const torch::Tensor& weights) {
  return (value * weights).sum({1, 2, 3}, /*keepdim=*/false, torch::kFloat64);
}

// The sum of the weights per image: (N, 1, h, w) -> (N,) float64.
torch::Tensor total(const torch::Tensor& weights) { return weights.sum({1, 2, 3}, /*keepdim=*/false, torch::kFloat64); }

// Squared central differences in x and y, summed, averaged over channels: (N, C, H, W) -> (N, 1, H - 2, W - 2).
torch::Tensor gradient_energy(const torch::Tensor& images) {
  const auto shifted = [&](int64_t dy, int64_t dx) {
    return images.narrow(2, 1 + dy, images.size(2) - 2).narrow(3, 1 + dx, images.size(3) - 2);
  };
  const auto gx = (shifted(0, 1) - shifted(0, -1)) / 2.0;
  const auto gy = (shifted(1, 0) - shifted(-1, 0)) / 2.0;
  return (gx * gx + gy * gy).mean(1, /*keepdim=*/true);
}

// A figure where its pixels weigh something (weight > 0), NaN (no value) elsewhere; all (N,) float64.
torch::Tensor where_weighted(const torch::Tensor& weight, const torch::Tensor& figure) {
  return torch::where(weight > 0.0, figure, std::nan(""));
}

// 10 log10(1 / MSE_w), MSE_w = squares / (3 weight); +inf where squares == 0.
torch::Tensor weighted_psnr(const torch::Tensor& squares, const torch::Tensor& weight) {
  return where_weighted(weight, -10.0 * torch::log10(squares / (3.0 * weight)));
}

// |10 log10((e(pred) + f) / (e(target) + f))| of the weighted mean gradient energies e.
torch::Tensor blur_figure(const torch::Tensor& pred_energy, const torch::Tensor& target_energy,
                          const torch::Tensor& weight) {
  return where_weighted(weight, torch::abs(10.0 * torch::log10((pred_energy / weight + kGradientEnergyFloor) /
                                                               (target_energy / weight + kGradientEnergyFloor))));
}

// focus_figure_table without the checks.
torch::Tensor figure_table(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights) {
  torch::NoGradGuard no_grad;
  const int64_t n = pred.size(0), height = pred.size(2), width = pred.size(3);
  const auto fg = weights.to(pred.scalar_type());
  const auto bg = 1.0 - fg;

  const auto squares = (pred - target).pow(2).sum(1, /*keepdim=*/true);  // (N, 1, H, W)
  const auto fg_psnr = weighted_psnr(weighted_sum(squares, fg), total(fg));
  const auto bg_psnr = weighted_psnr(weighted_sum(squares, bg), total(bg));
  const auto no_value = torch::full({n}, std::nan(""), pred.options().dtype(torch::kFloat64));  // too small
  torch::Tensor fg_ssim = no_value, bg_ssim = no_value, bg_blur = no_value;
  if (height >= kSsimWindow && width >= kSsimWindow) {
    const int64_t margin = (kSsimWindow - 1) / 2;
    const auto map = ssim_map(pred, target).mean(1, /*keepdim=*/true);  // (N, 1, H - 10, W - 10)
    const auto fg_map = crop(fg, margin), bg_map = crop(bg, margin);
    fg_ssim = where_weighted(total(fg_map), weighted_sum(map, fg_map) / total(fg_map));
    bg_ssim = where_weighted(total(bg_map), weighted_sum(map, bg_map) / total(bg_map));
  }
  if (height >= 3 && width >= 3) {
    const auto bg_inner = crop(bg, 1);
    bg_blur = blur_figure(weighted_sum(gradient_energy(pred), bg_inner),
                          weighted_sum(gradient_energy(target), bg_inner), total(bg_inner));
  }
  static_assert(std::size(common::kFocusFigures) == 5, "one column per focus figure, in kFocusFigures' order");
  return torch::stack({fg_psnr, fg_ssim, bg_psnr, bg_ssim, bg_blur}, 1);  // (N, 5)
}
}  // namespace

torch::Tensor focus_figure_table(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights) {
  check_shapes(pred, target, weights);
  return figure_table(pred, target, weights);
}

std::vector<FocusScores> focus_scores(const torch::Tensor& pred, const torch::Tensor& target,
                                      const torch::Tensor& weights) {
  check_shapes(pred, target, weights);
  check_range(weights);
  const auto table = figure_table(pred, target, weights).to(torch::kCPU).contiguous();  // one transfer
  const auto rows = table.accessor<double, 2>();
  std::vector<FocusScores> scores(static_cast<size_t>(table.size(0)));
  for (int64_t i = 0; i < table.size(0); ++i) {
    for (int64_t k = 0; k < table.size(1); ++k) {
      if (!std::isnan(rows[i][k])) scores[static_cast<size_t>(i)].*common::kFocusFigures[k].second = rows[i][k];
    }
  }
  return scores;
}

namespace {
std::optional<double> mean_of_some(const std::vector<FocusScores>& scores, std::optional<double> FocusScores::*figure) {
  double sum = 0;
  int count = 0;
  for (const FocusScores& s : scores)
    if (s.*figure) sum += *(s.*figure), ++count;
  return count > 0 ? std::optional<double>(sum / count) : std::nullopt;
}
}  // namespace

FocusScores mean_focus_scores(const std::vector<FocusScores>& scores) {
  FocusScores mean;
  for (const auto& [name, figure] : common::kFocusFigures) mean.*figure = mean_of_some(scores, figure);
  return mean;
}

}  // namespace bokeh::training
