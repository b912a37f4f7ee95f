// The focus-mask rules: the synthetic rule on hand-picked radii, the renderer's masks against its
// depth map, the derived rule on hand-made pairs, and how well the derived rule recovers the
// renderer's true masks on synthetic pairs (IoU at 0.5 and weighted agreement, floors pinned).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "training/data/focus_masks.h"
#include "training/data/synthetic_renderer.h"

using namespace bokeh::training;
using bokeh::common::SyntheticConfig;

namespace {

// (3, H, W) planes of an interleaved RGB image.
std::vector<uint8_t> planes(const Image& image) {
  const int64_t pixels = image.width * image.height;
  std::vector<uint8_t> out(static_cast<size_t>(3 * pixels));
  for (int64_t i = 0; i < pixels; ++i)
    for (int64_t c = 0; c < 3; ++c) out[c * pixels + i] = image.rgb[i * 3 + c];
  return out;
}

std::vector<uint8_t> derived(const Image& input, const Image& target) {
  std::vector<uint8_t> mask(static_cast<size_t>(input.width * input.height));
  derive_focus_mask(planes(input).data(), planes(target).data(), input.height, input.width, mask.data());
  return mask;
}

// A w x h image whose every pixel is grey `value(x, y)`.
template <typename Value>
Image grey(int64_t w, int64_t h, Value value) {
  Image image{w, h, std::vector<uint8_t>(static_cast<size_t>(w * h * 3))};
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t c = 0; c < 3; ++c) image.rgb[(y * w + x) * 3 + c] = value(x, y);
  return image;
}

}  // namespace

TEST_CASE("focus masks: the synthetic rule is 1 up to r = 0.5 px, 0 from r = 1.5 px, linear between", "[focus_masks]") {
  CHECK(in_focus_weight(0.0) == 1.0);
  CHECK(in_focus_weight(0.5) == 1.0);
  CHECK(in_focus_weight(0.75) == Approx(0.75));
  CHECK(in_focus_weight(1.0) == Approx(0.5));
  CHECK(in_focus_weight(1.25) == Approx(0.25));
  CHECK(in_focus_weight(1.5) == 0.0);
  CHECK(in_focus_weight(16.0) == 0.0);
}

TEST_CASE("focus masks: the renderer's mask follows the circle of confusion of the depth it draws",
          "[focus_masks][synthetic]") {
  SyntheticConfig config;
  config.size = 64, config.seed = 3, config.focus = 0.5, config.aperture = 1;
  int64_t sharp = 0, blurred = 0;
  for (int64_t index = 0; index < 4; ++index) {
    const SyntheticPair pair = render_synthetic_pair(config, index);
    const auto depth_at = [&](int64_t x, int64_t y) { return pair.depth.rgb[(y * 64 + x) * 3]; };
    // 1 where the depth drawn gives r <= 0.45 px, 0 where r >= 1.55 px, -1 between.
    const auto side = [&](int64_t x, int64_t y) {
      const double r = circle_of_confusion(config, depth_at(x, y) / 255.0);
      return r <= 0.45 ? 1 : r >= 1.55 ? 0 : -1;
    };
    // Away from edges (the 5x5 window on one side: an object's soft edge reaches under 1 px), the
    // mask is the rule's 1 or 0.
    const auto settled = [&](int64_t x, int64_t y) {
      for (int64_t dy = -2; dy <= 2; ++dy)
        for (int64_t dx = -2; dx <= 2; ++dx)
          if (side(x + dx, y + dy) != side(x, y)) return false;
      return side(x, y) >= 0;
    };
    for (int64_t y = 2; y < 62; ++y)
      for (int64_t x = 2; x < 62; ++x) {
        if (!settled(x, y)) continue;
        const uint8_t m = pair.mask.rgb[(y * 64 + x) * 3];
        CHECK(pair.mask.rgb[(y * 64 + x) * 3 + 1] == m);
        CHECK(m == (side(x, y) == 1 ? 255 : 0));
        (side(x, y) == 1 ? sharp : blurred) += 1;
      }
  }
  CHECK(sharp > 500);  // the subjects
  CHECK(blurred > 5000);

  config.aperture = 0;  // a pinhole: everything in focus
  const SyntheticPair pinhole = render_synthetic_pair(config, 0);
  for (uint8_t m : pinhole.mask.rgb) REQUIRE(m == 255);
}

TEST_CASE("focus masks: the derived rule keeps what the target keeps and drops what it flattened", "[focus_masks]") {
  const auto checker = [](int64_t x, int64_t y) { return static_cast<uint8_t>((x + y) % 2 == 0 ? 40 : 200); };
  const Image input = grey(32, 16, checker);

  // The same image as its target: in focus everywhere.
  for (uint8_t m : derived(input, input)) REQUIRE(m == 255);
  // A flat target: the texture is gone everywhere.
  for (uint8_t m : derived(input, grey(32, 16, [](int64_t, int64_t) { return uint8_t(120); }))) REQUIRE(m == 0);
  // A flat input: nothing to lose, counted in focus (ratio eps / eps).
  const Image flat = grey(32, 16, [](int64_t, int64_t) { return uint8_t(90); });
  for (uint8_t m : derived(flat, flat)) REQUIRE(m == 255);

  // Left half kept, right half flattened: 1 and 0 beyond the 7x7 window's reach of the seam (x = 16).
  const Image half = grey(32, 16, [&](int64_t x, int64_t y) { return x < 16 ? checker(x, y) : uint8_t(120); });
  const std::vector<uint8_t> mask = derived(input, half);
  for (int64_t y = 0; y < 16; ++y) {
    for (int64_t x = 0; x < 12; ++x) CHECK(mask[y * 32 + x] == 255);
    for (int64_t x = 20; x < 32; ++x) CHECK(mask[y * 32 + x] == 0);
  }
}

TEST_CASE("focus masks: the derived rule recovers the renderer's true masks on synthetic pairs",
          "[focus_masks][synthetic]") {
  SyntheticConfig config;
  config.size = 128, config.seed = 7, config.focus = 0.5, config.aperture = 1;
  double intersection = 0, union_ = 0, difference = 0, pixels = 0;
  for (int64_t index = 0; index < 12; ++index) {
    const SyntheticPair pair = render_synthetic_pair(config, index);
    const std::vector<uint8_t> mask = derived(pair.original, pair.bokeh);
    for (size_t i = 0; i < mask.size(); ++i) {
      const bool in_derived = mask[i] >= 128, in_true = pair.mask.rgb[i * 3] >= 128;
      intersection += in_derived && in_true;
      union_ += in_derived || in_true;
      difference += std::abs(mask[i] - pair.mask.rgb[i * 3]) / 255.0;
      pixels += 1;
    }
  }
  const double iou = intersection / union_, agreement = 1 - difference / pixels;
  std::printf(
      "derived focus masks against the renderer's, 12 pairs of 128x128: IoU at 0.5 %.3f, weighted "
      "agreement %.3f\n",
      iou, agreement);
  // Measured: IoU 0.879, agreement 0.980 (sweeps/README.md, "Focus masks").
  CHECK(iou >= 0.85);
  CHECK(agreement >= 0.96);
}
