// The Vanilla U-Net's facts (study Algorithm 1, built by training/unet.h, with optional attention gates on
// its skips): closed forms of its parameter count and forward FLOPs level by level, its pooling factor,
// receptive radius, depth check and columns.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "common/model_arch.h"

namespace bokeh::common {
namespace {

class UNetFacts final : public ModelFacts {
 public:
  // An attention gate's intermediate maps on a skip of `channels` maps (training/unet.h).
  static int64_t gate_channels(int64_t channels) { return std::max<int64_t>(channels / 2, 1); }

  std::string name() const override { return "unet"; }
  std::string title() const override { return "U-Net"; }
  std::vector<std::string> settings() const override {
    return {"model.width", "model.depth", "model.batch_norm", "model.attention"};
  }
  std::string shape(const ModelConfig& config) const override {
    return fmt::format("U-Net width {}, depth {}{}", config.width, config.depth,
                       config.attention ? ", attention gates" : "");
  }

  int64_t parameters(const ModelConfig& config) const override {
    int64_t total = 0;
    for (const ModelPart& part : parameter_parts(config)) total += part.parameters;
    return total;
  }

  // Per conv in*out*k*k (+ out biases without BatchNorm), 2*out per BatchNorm, the transposed convs
  // and the 1x1 head with their biases: "encoder 0".."encoder depth-1" (0 the finest), then "decoder
  // depth-2".."decoder 0" (its transposed conv, block and attention gate), then "head".
  std::vector<ModelPart> parameter_parts(const ModelConfig& config) const override {
    const bool bn = config.batch_norm;
    auto conv = [](int64_t in, int64_t out, int64_t k, bool bias) { return in * out * k * k + (bias ? out : 0); };
    // Two 3x3 convs (biased only without BatchNorm), each followed by a BatchNorm (weight + bias).
    auto block = [&](int64_t in, int64_t out) {
      return conv(in, out, 3, !bn) + conv(out, out, 3, !bn) + (bn ? 4 * out : 0);
    };
    std::vector<ModelPart> parts;
    int64_t in = config.input_channels;
    for (int64_t level = 0; level < config.depth; ++level) {
      parts.push_back({fmt::format("encoder {}", level), block(in, config.width << level)});
      in = config.width << level;
    }
    for (int64_t level = config.depth - 2; level >= 0; --level) {
      const int64_t out = config.width << level;
      int64_t total = conv(in, out, 2, true) + block(2 * out, out);  // transposed conv, block on concat(up, skip)
      if (config.attention) {  // W_g and W_x: out -> inner 1x1, psi: inner -> 1 1x1, each [BatchNorm]
        const int64_t inner = gate_channels(out);
        total += 2 * conv(out, inner, 1, !bn) + conv(inner, 1, 1, !bn) + (bn ? 2 * (2 * inner + 1) : 0);
      }
      parts.push_back({fmt::format("decoder {}", level), total});
      in = out;
    }
    parts.push_back({"head", conv(in, 3, 1, true)});
    return parts;
  }

  // 2 per multiply-add of every conv and transposed conv, plus bias adds. Pooling, BatchNorm and
  // activations are elementwise and left out (under 1% for the study's shapes).
  double forward_flops(const ModelConfig& config, int64_t height, int64_t width) const override {
    // 2 * (in * k * k) * out per output pixel for the products and sums, plus one bias add.
    auto conv = [](int64_t in, int64_t out, int64_t k, int64_t h, int64_t w, bool bias) {
      return (2.0 * in * k * k + (bias ? 1.0 : 0.0)) * out * h * w;
    };
    const bool bias = !config.batch_norm;
    std::vector<std::pair<int64_t, int64_t>> sizes;  // spatial size per level
    double flops = 0;
    int64_t in = config.input_channels, h = height, w = width;
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
      if (config.attention) {
        const int64_t inner = gate_channels(out);
        flops += 2 * conv(out, inner, 1, h, w, bias) + conv(inner, 1, 1, h, w, bias);
      }
      in = out;
    }
    return flops + conv(in, 3, 1, h, w, true);
  }

  int64_t pooling_factor(const ModelConfig& config) const override { return int64_t{1} << (config.depth - 1); }

  int64_t receptive_radius(const ModelConfig& config) const override {
    // Per level l (pixels there are 2^l input pixels wide): each 3x3 conv reaches 2^l further; two
    // per encoder level (l = 0..depth-1) and per decoder level (l = 0..depth-2); each 2x2 max-pool
    // and each stride-2 transposed conv between levels l and l+1 at most 2^l more.
    // Sum: 2(2^depth - 1) + 2(2^(depth-1) - 1) + 2(2^(depth-1) - 1) = 2^(depth+2) - 6.
    return (int64_t{1} << (config.depth + 2)) - 6;
  }

  std::optional<SizeProblem> size_problem(const ModelConfig& config, int64_t height, int64_t width) const override {
    if (std::optional<std::string> reason = halving_problem(config.depth, height, width))
      return SizeProblem{"model.depth", *reason};
    return std::nullopt;
  }

  std::vector<ModelColumn> columns() const override {
    return {{"B_norm", "model.batch_norm"}, {"Width", "model.width"}, {"Depth", "model.depth"}};
  }
};

}  // namespace

const ModelFacts& unet_facts() {
  static const UNetFacts facts;
  return facts;
}

}  // namespace bokeh::common
