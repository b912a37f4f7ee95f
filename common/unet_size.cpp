// Closed forms of the U-Net's parameter count and forward FLOPs, level by level.
#include "common/unet_size.h"

#include <tuple>
#include <utility>
#include <vector>

namespace bokeh::common {

int64_t unet_parameters(const ModelConfig& config) {
  const bool bn = config.batch_norm;
  auto conv = [](int64_t in, int64_t out, int64_t k, bool bias) { return in * out * k * k + (bias ? out : 0); };
  // Two 3x3 convs (biased only without BatchNorm), each followed by a BatchNorm (weight + bias).
  auto block = [&](int64_t in, int64_t out) {
    return conv(in, out, 3, !bn) + conv(out, out, 3, !bn) + (bn ? 4 * out : 0);
  };
  int64_t total = 0, in = 3;
  for (int64_t level = 0; level < config.depth; ++level) {
    total += block(in, config.width << level);
    in = config.width << level;
  }
  for (int64_t level = config.depth - 2; level >= 0; --level) {
    const int64_t out = config.width << level;
    total += conv(in, out, 2, true) + block(2 * out, out);  // transposed conv, then the block on concat(up, skip)
    in = out;
  }
  return total + conv(in, 3, 1, true);
}

double forward_flops(const ModelConfig& config, int64_t height, int64_t width) {
  // 2 * (in * k * k) * out per output pixel for the products and sums, plus one bias add.
  auto conv = [](int64_t in, int64_t out, int64_t k, int64_t h, int64_t w, bool bias) {
    return (2.0 * in * k * k + (bias ? 1.0 : 0.0)) * out * h * w;
  };
  const bool bias = !config.batch_norm;
  std::vector<std::pair<int64_t, int64_t>> sizes;  // spatial size per level
  double flops = 0;
  int64_t in = 3, h = height, w = width;
  for (int64_t level = 0; level < config.depth; ++level) {
    if (level > 0) h /= 2, w /= 2;
    const int64_t out = config.width << level;
    flops += conv(in, out, 3, h, w, bias) + conv(out, out, 3, h, w, bias);
    sizes.emplace_back(h, w);
    in = out;
  }
  for (int64_t level = config.depth - 2; level >= 0; --level) {
    const int64_t out = config.width << level;
    // The transposed conv: each input pixel feeds a 2x2 output patch: in * out * 4 products.
    flops += 2.0 * in * out * 4 * h * w + 4.0 * out * h * w;
    std::tie(h, w) = sizes[level];
    flops += conv(2 * out, out, 3, h, w, bias) + conv(out, out, 3, h, w, bias);
    in = out;
  }
  return flops + conv(in, 3, 1, h, w, true);
}

}  // namespace bokeh::common
