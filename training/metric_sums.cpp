// The per-image metrics summed over batches (metric_sums.h): each batch's figures summed in fp32,
// added up in double.
#include "training/metric_sums.h"

#include "training/image_metrics.h"
#include "training/ssim.h"

namespace bokeh::training {

void MetricSums::add(const torch::Tensor& prediction, const torch::Tensor& target, const Lpips& net) {
  l1 += l1_error(prediction, target).sum().item<double>();
  psnr += training::psnr(prediction, target).sum().item<double>();
  ssim += training::ssim(prediction, target).sum().item<double>();
  if (net) lpips += net->forward(prediction, target).sum().item<double>();
}

common::ImageMetrics MetricSums::means(int64_t images, bool with_lpips) const {
  const double count = static_cast<double>(images);
  common::ImageMetrics metrics{l1 / count, psnr / count, ssim / count, std::nullopt};
  if (with_lpips) metrics.lpips = lpips / count;
  return metrics;
}

}  // namespace bokeh::training
