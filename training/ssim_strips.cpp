// SSIM in row strips (ssim_strips.h): the sum of each strip's SSIM map, over the whole map's size.
#include "training/ssim_strips.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "training/ssim.h"

namespace bokeh::training {

double ssim_in_strips(const torch::Tensor& x, const torch::Tensor& y, double scale, int64_t strip_rows) {
  if (x.dim() != 3 || x.sizes() != y.sizes())
    throw std::invalid_argument(fmt::format("ssim: expected two (C, H, W) tensors of one shape, got {} and {}",
                                            c10::str(x.sizes()), c10::str(y.sizes())));
  if (strip_rows < 1) throw std::invalid_argument(fmt::format("ssim: strip_rows must be >= 1, got {}", strip_rows));
  check_ssim_size(x.size(1), x.size(2));
  const int64_t channels = x.size(0), map_rows = x.size(1) - kSsimWindow + 1, map_cols = x.size(2) - kSsimWindow + 1;
  double sum = 0;
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t top = 0; top < map_rows; top += strip_rows) {
      const int64_t rows = std::min(strip_rows, map_rows - top) + kSsimWindow - 1;
      const auto strip = [&](const torch::Tensor& t) {  // (1, 1, rows, W) float64 in [0, 1]
        return t.select(0, c).narrow(0, top, rows).to(torch::kFloat64).mul(scale).unsqueeze(0).unsqueeze(0);
      };
      sum += ssim_map(strip(x), strip(y)).sum().item<double>();
    }
  }
  return sum / static_cast<double>(channels * map_rows * map_cols);
}

}  // namespace bokeh::training
