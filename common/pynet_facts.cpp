// PyNET-Bokeh's layer list (model.py's wiring, channel by channel) and its facts: parameters and FLOPs
// summed over that list, its pooling factor (64), its size check, its columns.
#include "common/pynet_facts.h"

#include <fmt/format.h>

#include <limits>

#include "common/model_arch.h"

namespace bokeh::common {
namespace {

// Appends model.py's layers of one part, tracking channels as its _conv_multi_block, stack and
// _conv_tranpose_layer produce them.
class ConvList {
 public:
  explicit ConvList(std::vector<PyNetConv>& convs) : convs_(convs) {}
  void start(std::string part, int64_t pixel) { part_ = std::move(part), pixel_ = pixel; }

  // A multi-kernel block: for each k in 3, 5, .. max_kernel two stacked k x k convs; returns the maps
  // of the concatenated branches.
  int64_t block(int64_t in, int64_t max_kernel, int64_t maps, bool instance_norm) {
    int64_t branches = 0;
    for (int64_t k = 3; k <= max_kernel; k += 2, ++branches) {
      convs_.push_back({part_, in, maps, k, pixel_, false, true, instance_norm});
      convs_.push_back({part_, maps, maps, k, pixel_, false, true, instance_norm});
    }
    return branches * maps;
  }
  // A transposed conv from this part's resolution to twice it.
  void up(int64_t in, int64_t out) { convs_.push_back({part_, in, out, 3, pixel_, true, false, false}); }
  // An output head: a 3x3 conv to RGB.
  void head(int64_t in) { convs_.push_back({part_, in, 3, 3, pixel_, false, true, false}); }

 private:
  std::vector<PyNetConv>& convs_;
  std::string part_;
  int64_t pixel_ = 1;
};

}  // namespace

std::vector<PyNetConv> pynet_convs(int64_t width, int64_t input_channels) {
  std::vector<PyNetConv> convs;
  ConvList list(convs);
  auto maps = [&](int64_t level) { return width << (level - 1); };  // levels 1..5
  auto pixel = [](int64_t level) { return int64_t{2} << level; };   // x0.5, space_to_depth(2), pools
  int64_t skip[6] = {};                                             // the encoder's output maps per level
  int64_t in = 4 * input_channels;                                  // space_to_depth(2)
  for (int64_t level = 1; level <= 4; ++level) {
    list.start(fmt::format("encoder {}", level), pixel(level));
    in = skip[level] = list.block(in, 3, maps(level), level > 1);
  }
  list.start("level 5", pixel(5));
  int64_t x = list.block(skip[4], 3, maps(5), true);
  for (int i = 0; i < 3; ++i) x = list.block(x, 3, maps(5), true);  // two of them residual
  list.up(x, maps(4)), list.up(x, maps(4)), list.head(x);

  list.start("level 4", pixel(4));
  x = list.block(skip[4] + maps(4), 3, maps(4), true);
  for (int i = 0; i < 2; ++i) x = list.block(x, 3, maps(4), true);  // residual
  x = list.block(x, 3, maps(4), true) + maps(4);                    // stacked with the second upsample
  x = list.block(x, 3, maps(4), true);
  list.up(x, maps(3)), list.up(x, maps(3)), list.head(x);

  list.start("level 3", pixel(3));
  x = skip[3] + maps(3);
  for (int i = 0; i < 3; ++i) x = list.block(x, 5, maps(3), true);  // residual
  x = list.block(x, 5, maps(3), true) + skip[3] + maps(3);          // stacked with the skip and the upsample
  x = list.block(x, 3, maps(3), true);
  list.up(x, maps(2)), list.up(x, maps(2)), list.head(x);

  list.start("level 2", pixel(2));
  x = list.block(skip[2] + maps(2), 5, maps(2), true) + skip[2];
  for (int i = 0; i < 3; ++i) x = list.block(x, 7, maps(2), true);  // residual
  x = list.block(x, 7, maps(2), true) + skip[2];
  x = list.block(x, 5, maps(2), true) + maps(2);
  x = list.block(x, 3, maps(2), true);
  list.up(x, maps(1)), list.up(x, maps(1)), list.head(x);

  list.start("level 1", pixel(1));  // no instance norm here (model.py's instance_norm_level_1 = False)
  x = list.block(skip[1] + maps(1), 5, maps(1), false) + skip[1];
  x = list.block(x, 7, maps(1), false);
  for (int i = 0; i < 4; ++i) x = list.block(x, 9, maps(1), false);  // the last three residual
  x = list.block(x, 7, maps(1), false) + skip[1];
  x = list.block(x, 5, maps(1), false) + maps(1) + skip[1];
  x = list.block(x, 3, maps(1), false);
  list.head(x);

  // Level 0 (x2) and up (x4): model.py's 8 maps at width 32, a quarter of the width (rounded up).
  const int64_t level0_maps = (width + 3) / 4;
  list.start("levels 0 and up", pixel(1));
  list.up(x, level0_maps);
  list.start("levels 0 and up", 2);
  list.head(level0_maps);
  list.up(3, 3);  // from level 0's head before its tanh
  list.start("levels 0 and up", 1);
  list.head(3);
  return convs;
}

int64_t conv_parameters(const PyNetConv& conv) {
  return conv.in * conv.out * conv.kernel * conv.kernel + (conv.bias ? conv.out : 0) +
         (conv.instance_norm ? 2 * conv.out : 0);
}

namespace {

class PyNetFacts final : public ModelFacts {
 public:
  static constexpr int64_t kFactor = 64;  // x0.5, space_to_depth(2), four 2x2 max-pools
  std::string name() const override { return "pynet"; }
  std::string title() const override { return "PyNET"; }
  std::vector<std::string> settings() const override { return {"model.width"}; }
  std::string shape(const ModelConfig& config) const override { return fmt::format("PyNET width {}", config.width); }

  // Of training/pynet.h's module as make_model builds it, for config.input_channels.
  int64_t parameters(const ModelConfig& config) const override {
    int64_t total = 0;
    for (const ModelPart& part : parameter_parts(config)) total += part.parameters;
    return total;
  }

  // model.py's parts: "encoder 1".."encoder 4", "level 5".."level 1", "levels 0 and up".
  std::vector<ModelPart> parameter_parts(const ModelConfig& config) const override {
    std::vector<ModelPart> parts;
    for (const PyNetConv& conv : pynet_convs(config.width, config.input_channels)) {
      if (parts.empty() || parts.back().name != conv.part) parts.push_back(ModelPart{conv.part, 0});
      parts.back().parameters += conv_parameters(conv);
    }
    return parts;
  }

  // 2 per multiply-add of every conv and transposed conv (a transposed conv: every input pixel times its
  // whole kernel) plus bias adds, every head included. The x0.5 resize, instance norms, activations and
  // pools are elementwise and left out (under 1%).
  double forward_flops(const ModelConfig& config, int64_t height, int64_t width) const override {
    double flops = 0;
    for (const PyNetConv& conv : pynet_convs(config.width, config.input_channels)) {
      const double pixels = static_cast<double>(height / conv.pixel) * static_cast<double>(width / conv.pixel);
      flops += (2.0 * conv.in * conv.kernel * conv.kernel + (conv.bias ? 1.0 : 0.0)) * conv.out * pixels;
    }
    return flops;
  }

  int64_t pooling_factor(const ModelConfig&) const override { return kFactor; }

  // Instance norm (levels 2-5) normalises each map over the whole image, so every output pixel sees
  // every input pixel: no overlap short of the whole image makes tiles exact.
  int64_t receptive_radius(const ModelConfig&) const override { return std::numeric_limits<int64_t>::max() / 4; }

  std::optional<SizeProblem> size_problem(const ModelConfig&, int64_t height, int64_t width) const override {
    if (height % kFactor == 0 && width % kFactor == 0 && height > 0 && width > 0) return std::nullopt;
    return SizeProblem{"model.arch", fmt::format("data is {}x{}: PyNET needs both sides to be multiples of {} (a x0.5 "
                                                 "downscale, space_to_depth(2) and 4 max-pools)",
                                                 height, width, kFactor)};
  }

  std::vector<ModelColumn> columns() const override { return {{"Width", "model.width"}}; }
};

}  // namespace

const ModelFacts& pynet_facts() {
  static const PyNetFacts facts;
  return facts;
}

}  // namespace bokeh::common
