// Synthetic renderer: determinism, sharp subject vs blurred background, highlights become discs,
// dataset files in EBB!'s layout.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <random>

#include "training/data/image_io.h"
#include "training/data/synthetic_renderer.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;

namespace {

double luma(const Image& image, int64_t x, int64_t y) {
  const uint8_t* p = &image.rgb[(y * image.width + x) * 3];
  return (p[0] + p[1] + p[2]) / 3.0;
}

double depth_at(const SyntheticPair& pair, int64_t x, int64_t y) {
  return pair.depth.rgb[(y * pair.depth.width + x) * 3] / 255.0;
}

// True when every pixel within `radius` of (x, y) is inside the image and satisfies `keep`.
template <typename Keep>
bool neighbourhood(const Image& image, int64_t x, int64_t y, int64_t radius, Keep keep) {
  for (int64_t dy = -radius; dy <= radius; ++dy)
    for (int64_t dx = -radius; dx <= radius; ++dx) {
      const int64_t px = x + dx, py = y + dy;
      if (px < 0 || py < 0 || px >= image.width || py >= image.height) return false;
      if (dx * dx + dy * dy <= radius * radius && !keep(px, py)) return false;
    }
  return true;
}

// Mean luma over the ring r0 <= distance < r1 around (x, y).
double ring_mean(const Image& image, double x, double y, double r0, double r1) {
  double sum = 0;
  int count = 0;
  for (int64_t py = 0; py < image.height; ++py)
    for (int64_t px = 0; px < image.width; ++px) {
      const double d = std::hypot(px - x, py - y);
      if (d >= r0 && d < r1) sum += luma(image, px, py), ++count;
    }
  return sum / count;
}

// Squared 4-neighbour Laplacian of luma at (x, y): high-frequency energy.
double laplacian2(const Image& image, int64_t x, int64_t y) {
  const double l = 4 * luma(image, x, y) - luma(image, x - 1, y) - luma(image, x + 1, y) - luma(image, x, y - 1) -
                   luma(image, x, y + 1);
  return l * l;
}

}  // namespace

TEST_CASE("renderer: same seed and index give identical bytes, other seeds or indices differ", "[synthetic]") {
  SyntheticConfig config;
  config.size = 64;
  const SyntheticPair a = render_synthetic_pair(config, 3), b = render_synthetic_pair(config, 3);
  CHECK(a.original.rgb == b.original.rgb);
  CHECK(a.bokeh.rgb == b.bokeh.rgb);
  CHECK(a.depth.rgb == b.depth.rgb);
  CHECK(a.original.width == 64);
  CHECK(a.bokeh.height == 64);
  CHECK(render_synthetic_pair(config, 4).original.rgb != a.original.rgb);
  config.seed += 1;
  const SyntheticPair c = render_synthetic_pair(config, 3);
  CHECK(c.original.rgb != a.original.rgb);
  CHECK(c.bokeh.rgb != a.bokeh.rgb);
}

TEST_CASE("renderer: circle of confusion is K|d - focus| with K = 0.1 * aperture * size, capped", "[synthetic]") {
  SyntheticConfig config;
  config.size = 100, config.focus = 0.4, config.aperture = 1.5;
  CHECK(circle_of_confusion(config, 0.4) == 0.0);
  CHECK(circle_of_confusion(config, 0.9) == Approx(0.1 * 1.5 * 100 * 0.5));
  CHECK(circle_of_confusion(config, 0.2) == Approx(0.1 * 1.5 * 100 * 0.2));
  config.aperture = 10;
  CHECK(circle_of_confusion(config, 1.0) == Approx(100 / 8.0));
}

TEST_CASE("renderer: the in-focus subject stays sharp while the background loses high frequencies", "[synthetic]") {
  SyntheticConfig config;  // size 128, focus 0.5, aperture 1
  for (int64_t index = 0; index < 6; ++index) {
    const SyntheticPair pair = render_synthetic_pair(config, index);
    const double focus_level = std::round(255 * config.focus) / 255;
    double subject_diff = 0, background_before = 0, background_after = 0;
    int64_t subject_pixels = 0, background_pixels = 0;
    for (int64_t y = 1; y < config.size - 1; ++y)
      for (int64_t x = 1; x < config.size - 1; ++x) {
        // Subject interior: a disc of radius 3 entirely at the focus depth (soft edges excluded).
        if (neighbourhood(pair.depth, x, y, 3,
                          [&](int64_t px, int64_t py) { return depth_at(pair, px, py) == focus_level; })) {
          for (int c = 0; c < 3; ++c)
            subject_diff += std::abs(pair.original.rgb[(y * config.size + x) * 3 + c] -
                                     pair.bokeh.rgb[(y * config.size + x) * 3 + c]);
          ++subject_pixels;
        }
        // Background: far from every object (the background plane lies at depth >= 0.75).
        if (neighbourhood(pair.depth, x, y, 10,
                          [&](int64_t px, int64_t py) { return depth_at(pair, px, py) >= 0.74; })) {
          background_before += laplacian2(pair.original, x, y);
          background_after += laplacian2(pair.bokeh, x, y);
          ++background_pixels;
        }
      }
    INFO("pair " << index << ": " << subject_pixels << " subject pixels, " << background_pixels
                 << " background pixels");
    REQUIRE(subject_pixels > 50);
    REQUIRE(background_pixels > 200);
    CHECK(subject_diff / (3.0 * subject_pixels) < 0.5);  // mean |difference| under half a level
    CHECK(background_after < 0.1 * background_before);   // >90% of the high-frequency energy gone
  }
}

TEST_CASE("renderer: highlights spread into flat, round discs of the circle-of-confusion radius", "[synthetic]") {
  SyntheticConfig config;
  int checked = 0;
  for (int64_t index = 0; index < 12 && checked < 5; ++index) {
    const SyntheticPair pair = render_synthetic_pair(config, index);
    for (int64_t y = 0; y < config.size; ++y)
      for (int64_t x = 0; x < config.size; ++x) {
        // A highlight's core is the only saturated white in the original: a local maximum of luma.
        if (luma(pair.original, x, y) < 254 || !neighbourhood(pair.original, x, y, 2, [&](int64_t px, int64_t py) {
              return luma(pair.original, px, py) <= luma(pair.original, x, y);
            }))
          continue;
        const double r = circle_of_confusion(config, depth_at(pair, x, y));
        const int64_t clear = static_cast<int64_t>(2 * r + 6);
        // Only isolated highlights on the background plane: nothing else bright or nearer nearby.
        const bool isolated = neighbourhood(pair.depth, x, y, clear, [&](int64_t px, int64_t py) {
          return depth_at(pair, px, py) >= 0.74 &&
                 (std::hypot(px - x, py - y) < 3 || luma(pair.original, px, py) < 230);
        });
        if (!isolated || r < 3.5) continue;
        // Centre: centroid of the saturated core (first pixel of each core only).
        double cx = 0, cy = 0, core = 0;
        bool first = true;
        for (int64_t py = y - 2; py <= y + 2; ++py)
          for (int64_t px = x - 2; px <= x + 2; ++px)
            if (luma(pair.original, px, py) >= 250) {
              first = first && (py > y || (py == y && px >= x));
              cx += px + 0.5, cy += py + 0.5, ++core;
            }
        if (!first) continue;
        cx /= core, cy /= core;
        const double inner = ring_mean(pair.bokeh, cx, cy, 0.2 * r, 0.5 * r);
        const double middle = ring_mean(pair.bokeh, cx, cy, 0.5 * r, 0.75 * r);
        const double outside = ring_mean(pair.bokeh, cx, cy, r + 2, 2 * r + 2);
        const double original_ring = ring_mean(pair.original, cx, cy, 0.5 * r, 0.75 * r);
        const double original_outside = ring_mean(pair.original, cx, cy, r + 2, 2 * r + 2);
        INFO("pair " << index << " highlight at " << x << "," << y << " r " << r);
        CHECK(middle - outside > 15);                                        // the disc is lit...
        CHECK(original_ring - original_outside < 0.5 * (middle - outside));  // ...where the original was not
        CHECK(std::abs(inner - middle) < 0.35 * (middle - outside));         // flat, not a peaked Gaussian
        // Round: the disc's mean over its four quadrants agrees.
        for (double angle : {0.0, 1.5707963, 3.1415926, 4.712389}) {
          const double qx = cx + 0.6 * r * std::cos(angle), qy = cy + 0.6 * r * std::sin(angle);
          CHECK(luma(pair.bokeh, int64_t(qx), int64_t(qy)) - outside > 0.5 * (middle - outside));
        }
        ++checked;
      }
  }
  CHECK(checked >= 3);
}

TEST_CASE("renderer: write_synthetic_dataset writes original/, bokeh/, depth/ PNGs losslessly", "[synthetic]") {
  const fs::path root = fs::temp_directory_path() / ("bokeh-test-synth-" + std::to_string(std::random_device{}()));
  SyntheticConfig config;
  config.count = 3, config.size = 32, config.seed = 11;
  write_synthetic_dataset(root, config);
  for (int64_t i = 0; i < config.count; ++i) {
    const SyntheticPair pair = render_synthetic_pair(config, i);
    const std::string name = std::to_string(i) + ".png";
    CHECK(read_image(root / "original" / name).rgb == pair.original.rgb);
    CHECK(read_image(root / "bokeh" / name).rgb == pair.bokeh.rgb);
    CHECK(read_image(root / "depth" / name).rgb == pair.depth.rgb);
  }
  CHECK_FALSE(fs::exists(root / "original" / "3.png"));
  fs::remove_all(root);
}

TEST_CASE("renderer: invalid settings are refused naming the field", "[synthetic]") {
  SyntheticConfig config;
  config.size = 4;
  CHECK_THROWS_WITH(render_synthetic_pair(config, 0), Catch::Contains("size"));
  config = SyntheticConfig{};
  config.focus = 1.5;
  CHECK_THROWS_WITH(render_synthetic_pair(config, 0), Catch::Contains("focus"));
  config = SyntheticConfig{};
  config.aperture = -1;
  CHECK_THROWS_WITH(render_synthetic_pair(config, 0), Catch::Contains("aperture"));
}
