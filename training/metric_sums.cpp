// The per-image metrics summed over batches on their device (metric_sums.h): each batch's figures
// summed in fp32, added up in double; the focus figures' sums and counts beside them.
#include "training/metric_sums.h"

#include <iterator>

#include "training/focus_metrics.h"
#include "training/image_metrics.h"
#include "training/ssim.h"

namespace bokeh::training {

namespace {
constexpr int64_t kFocusCount = static_cast<int64_t>(std::size(common::kFocusFigures));
constexpr int64_t kFocusSums = 4, kFocusCounts = kFocusSums + kFocusCount;
}  // namespace

MetricSums::MetricSums(const torch::Device& device)
    : sums(torch::zeros({kSums}, torch::TensorOptions().dtype(torch::kFloat64).device(device))) {}

void MetricSums::add(const torch::Tensor& prediction, const torch::Tensor& target, const torch::Tensor& focus_weights,
                     const Lpips& net) {
  torch::NoGradGuard no_grad;
  const torch::Tensor lpips = net ? net->forward(prediction, target).sum() : torch::zeros({}, prediction.options());
  const torch::Tensor image_sums =
      torch::stack({l1_error(prediction, target).sum(), training::psnr(prediction, target).sum(),
                    training::ssim(prediction, target).sum(), lpips});
  sums.narrow(0, 0, 4).add_(image_sums.to(torch::kFloat64));
  if (!focus_weights.defined()) return;
  const torch::Tensor table = focus_figure_table(prediction, target, focus_weights);  // (B, 5), NaN: none
  const torch::Tensor present = table.isnan().logical_not();
  sums.narrow(0, kFocusSums, kFocusCount).add_(torch::where(present, table, 0.0).sum(0));
  sums.narrow(0, kFocusCounts, kFocusCount).add_(present.sum(0, /*keepdim=*/false, torch::kFloat64));
}

common::ImageMetrics MetricSums::means(int64_t images, bool with_lpips) const {
  const torch::Tensor host = sums.to(torch::kCPU);  // one transfer
  const auto s = host.accessor<double, 1>();
  const double count = static_cast<double>(images);
  common::ImageMetrics metrics{s[0] / count, s[1] / count, s[2] / count, std::nullopt};
  if (with_lpips) metrics.lpips = s[3] / count;
  for (int64_t k = 0; k < kFocusCount; ++k) {
    const double having = s[kFocusCounts + k];
    if (having > 0) metrics.focus.*common::kFocusFigures[k].second = s[kFocusSums + k] / having;
  }
  return metrics;
}

}  // namespace bokeh::training
