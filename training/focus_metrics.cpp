// Focus figures (see focus_metrics.h): each figure is a ratio of weighted sums, computed for the whole
// batch on the inputs' device and brought to the CPU in one (N, 11) float64 tensor (after one check of
// the weights' range).
#include "training/focus_metrics.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "training/ssim.h"

namespace bokeh::training {

namespace {
void check_inputs(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weights) {
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

// Columns of the sums tensor.
enum Column : int64_t {
  kFgWeight,
  kFgSquares,
  kBgWeight,
  kBgSquares,
  kFgMapWeight,
  kFgMap,
  kBgMapWeight,
  kBgMap,
  kBlurWeight,
  kBlurPred,
  kBlurTarget,
  kColumns
};

std::optional<double> ratio_or_none(double numerator, double weight) {
  return weight > 0.0 ? std::optional<double>(numerator / weight) : std::nullopt;
}

std::optional<double> psnr_or_none(double squares, double weight) {
  if (!(weight > 0.0)) return std::nullopt;
  return -10.0 * std::log10(squares / (3.0 * weight));  // +inf when squares == 0
}

std::optional<double> blur_or_none(double pred_energy, double target_energy, double weight) {
  if (!(weight > 0.0)) return std::nullopt;
  return std::abs(10.0 * std::log10((pred_energy / weight + kGradientEnergyFloor) /
                                    (target_energy / weight + kGradientEnergyFloor)));
}
}  // namespace

std::vector<FocusScores> focus_scores(const torch::Tensor& pred, const torch::Tensor& target,
                                      const torch::Tensor& weights) {
  check_inputs(pred, target, weights);
  torch::NoGradGuard no_grad;
  const int64_t n = pred.size(0), height = pred.size(2), width = pred.size(3);
  const auto fg = weights.to(pred.scalar_type());
  const auto bg = 1.0 - fg;
  const auto zeros = torch::zeros({n}, pred.options().dtype(torch::kFloat64));
  std::vector<torch::Tensor> columns(kColumns, zeros);

  const auto squares = (pred - target).pow(2).sum(1, /*keepdim=*/true);  // (N, 1, H, W)
  columns[kFgWeight] = total(fg);
  columns[kFgSquares] = weighted_sum(squares, fg);
  columns[kBgWeight] = total(bg);
  columns[kBgSquares] = weighted_sum(squares, bg);
  const int64_t ssim_margin = (kSsimWindow - 1) / 2;
  if (height >= kSsimWindow && width >= kSsimWindow) {
    const auto map = ssim_map(pred, target).mean(1, /*keepdim=*/true);  // (N, 1, H - 10, W - 10)
    const auto fg_map = crop(fg, ssim_margin), bg_map = crop(bg, ssim_margin);
    columns[kFgMapWeight] = total(fg_map);
    columns[kFgMap] = weighted_sum(map, fg_map);
    columns[kBgMapWeight] = total(bg_map);
    columns[kBgMap] = weighted_sum(map, bg_map);
  }
  if (height >= 3 && width >= 3) {
    const auto bg_inner = crop(bg, 1);
    columns[kBlurWeight] = total(bg_inner);
    columns[kBlurPred] = weighted_sum(gradient_energy(pred), bg_inner);
    columns[kBlurTarget] = weighted_sum(gradient_energy(target), bg_inner);
  }
  const auto sums = torch::stack(columns, 1).to(torch::kCPU).contiguous();  // (N, kColumns)
  const auto s = sums.accessor<double, 2>();

  std::vector<FocusScores> scores(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    FocusScores& out = scores[static_cast<size_t>(i)];
    out.fg_psnr = psnr_or_none(s[i][kFgSquares], s[i][kFgWeight]);
    out.bg_psnr = psnr_or_none(s[i][kBgSquares], s[i][kBgWeight]);
    out.fg_ssim = ratio_or_none(s[i][kFgMap], s[i][kFgMapWeight]);
    out.bg_ssim = ratio_or_none(s[i][kBgMap], s[i][kBgMapWeight]);
    out.bg_blur = blur_or_none(s[i][kBlurPred], s[i][kBlurTarget], s[i][kBlurWeight]);
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
  for (auto figure : {&FocusScores::fg_psnr, &FocusScores::bg_psnr, &FocusScores::fg_ssim, &FocusScores::bg_ssim,
                      &FocusScores::bg_blur})
    mean.*figure = mean_of_some(scores, figure);
  return mean;
}

}  // namespace bokeh::training
