// Synthetic EBB!-like pairs: procedural scene generation, disc blur by row prefix sums, layered
// back-to-front compositing in linear light. See synthetic_renderer.h for the model.
#include "training/data/synthetic_renderer.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/seeded_rng.h"
#include "training/data/focus_masks.h"

namespace bokeh::training {

namespace {

constexpr double kGamma = 2.2;            // sRGB-like transfer: linear = value^kGamma
constexpr double kCocPerSize = 0.1;       // K = aperture * kCocPerSize * size (pixels per unit depth)
constexpr double kMaxCocPerSize = 0.125;  // r is capped at size / 8
constexpr double kEdgeWidth = 1.5;        // soft-edge ramp of objects, pixels
constexpr double kPi = 3.14159265358979323846;

using Rgb = std::array<double, 3>;
using Plane = std::vector<float>;  // one channel, row-major size x size
using RgbPlanes = std::array<Plane, 3>;

// Colour texture: fbm value noise blended with stripes, plus per-pixel grain (high frequencies).
struct Texture {
  uint64_t seed = 0;
  Rgb c0{}, c1{};
  double period = 16, stripe_period = 5, stripe_cos = 1, stripe_sin = 0, stripe_mix = 0, grain = 0;
};

// A soft-edged blob: a rotated ellipse whose boundary wobbles with `lobes` harmonics.
struct Blob {
  double cx = 0, cy = 0, a = 1, b = 1, angle = 0, wobble = 0, lobes = 3, phase = 0, depth = 0;
  Texture texture;
};

struct Highlight {
  double x = 0, y = 0, sigma = 1, intensity = 1;  // intensity: linear peak, above 1 (brighter than white)
  Rgb colour{};
};

struct Scene {
  Texture background;
  double depth_base = 1, depth_gx = 0, depth_gy = 0, depth_lo = 1;  // far plane d(x, y), clamped to [lo, 1]
  std::vector<Highlight> highlights;
  std::vector<Blob> objects;  // back to front
};

double lattice(uint64_t seed, int64_t ix, int64_t iy) {
  const uint64_t h = common::mix64(
      seed ^ common::mix64(static_cast<uint64_t>(ix) * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(iy)));
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

double value_noise(uint64_t seed, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const int64_t ix = static_cast<int64_t>(fx), iy = static_cast<int64_t>(fy);
  double tx = x - fx, ty = y - fy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  const double top = lattice(seed, ix, iy) * (1 - tx) + lattice(seed, ix + 1, iy) * tx;
  const double bottom = lattice(seed, ix, iy + 1) * (1 - tx) + lattice(seed, ix + 1, iy + 1) * tx;
  return top * (1 - ty) + bottom * ty;
}

// Three octaves of value noise, in [0, 1].
double fbm(uint64_t seed, double x, double y, double period) {
  double sum = 0, amplitude = 1, total = 0;
  for (int octave = 0; octave < 3; ++octave) {
    sum += amplitude * value_noise(seed + octave, x / period, y / period);
    total += amplitude;
    amplitude *= 0.5;
    period *= 0.5;
  }
  return sum / total;
}

// Texture colour at a pixel, gamma-encoded in [0, 1].
Rgb texture_colour(const Texture& t, double x, double y) {
  const double noise = fbm(t.seed, x, y, t.period);
  const double u = x * t.stripe_cos + y * t.stripe_sin;
  const double stripes = 0.5 + 0.5 * std::sin(2 * kPi * u / t.stripe_period);
  const double m = (1 - t.stripe_mix) * noise + t.stripe_mix * stripes;
  const double grain = t.grain * (lattice(t.seed ^ 0x5A17ULL, static_cast<int64_t>(x), static_cast<int64_t>(y)) - 0.5);
  Rgb c;
  for (int k = 0; k < 3; ++k) c[k] = std::clamp(t.c0[k] + (t.c1[k] - t.c0[k]) * m + grain, 0.0, 1.0);
  return c;
}

Rgb random_colour(common::SeededRng& rng, double lo, double hi) {
  return {rng.uniform(lo, hi), rng.uniform(lo, hi), rng.uniform(lo, hi)};
}

Texture random_texture(common::SeededRng& rng, double size, double stripe_mix_min, double stripe_mix_max,
                       double grain) {
  Texture t;
  t.seed = rng.next();
  t.c0 = random_colour(rng, 0.1, 0.75);
  t.c1 = random_colour(rng, 0.1, 0.75);
  t.period = rng.uniform(0.08, 0.3) * size;
  t.stripe_period = rng.uniform(3, 8);
  const double angle = rng.uniform(0, kPi);
  t.stripe_cos = std::cos(angle);
  t.stripe_sin = std::sin(angle);
  t.stripe_mix = rng.uniform(stripe_mix_min, stripe_mix_max);
  t.grain = grain;
  return t;
}

Blob random_blob(common::SeededRng& rng, double size, double min_axis, double max_axis, double centre_margin,
                 double depth, Texture texture) {
  Blob blob;
  blob.cx = rng.uniform(centre_margin, 1 - centre_margin) * size;
  blob.cy = rng.uniform(centre_margin, 1 - centre_margin) * size;
  blob.a = rng.uniform(min_axis, max_axis) * size;
  blob.b = rng.uniform(min_axis, max_axis) * size;
  blob.angle = rng.uniform(0, kPi);
  blob.wobble = rng.uniform(0, 0.15);
  blob.lobes = static_cast<double>(rng.between(2, 5));
  blob.phase = rng.uniform(0, 2 * kPi);
  blob.depth = depth;
  blob.texture = texture;
  return blob;
}

Scene make_scene(const common::SyntheticConfig& config, int64_t index) {
  common::SeededRng rng(common::derive_seed(config.seed, static_cast<uint64_t>(index)));
  const double size = static_cast<double>(config.size), focus = config.focus;
  Scene scene;
  scene.background = random_texture(rng, size, 0.0, 0.25, 0.12);
  scene.depth_lo = focus + 0.5 * (1 - focus);
  const double spread = 1 - scene.depth_lo;
  scene.depth_base = rng.uniform(scene.depth_lo, 1);
  scene.depth_gx = rng.uniform(-spread, spread);
  scene.depth_gy = rng.uniform(-spread, spread);

  const int64_t highlights = rng.between(4, 4 + config.size * config.size / 1000);
  for (int64_t i = 0; i < highlights; ++i) {
    Highlight h;
    h.x = rng.uniform(0, size);
    h.y = rng.uniform(0, size);
    h.sigma = rng.uniform(0.5, 1.0);
    h.intensity = rng.uniform(4, 12);
    h.colour = {1.0, rng.uniform(0.85, 1.0), rng.uniform(0.7, 1.0)};
    scene.highlights.push_back(h);
  }

  const int64_t mid = rng.between(0, 2);
  for (int64_t i = 0; i < mid; ++i) {
    const double depth = rng.uniform(focus + 0.2 * (1 - focus), scene.depth_lo);
    scene.objects.push_back(random_blob(rng, size, 0.06, 0.18, 0.05, depth, random_texture(rng, size, 0.0, 0.3, 0.08)));
  }
  std::sort(scene.objects.begin(), scene.objects.end(), [](const Blob& l, const Blob& r) { return l.depth > r.depth; });
  const int64_t subjects = rng.between(1, 2);
  for (int64_t i = 0; i < subjects; ++i)
    scene.objects.push_back(random_blob(rng, size, 0.12, 0.28, 0.25, focus, random_texture(rng, size, 0.3, 0.8, 0.04)));
  return scene;
}

// Gamma-encoded [0, 1] -> linear light, by a table with linear interpolation (the curve is smooth).
double to_linear(double v) {
  constexpr int kEntries = 1024;
  static const std::vector<double> table = [] {
    std::vector<double> t(kEntries + 1);
    for (int i = 0; i <= kEntries; ++i) t[i] = std::pow(double(i) / kEntries, kGamma);
    return t;
  }();
  const double position = std::clamp(v, 0.0, 1.0) * kEntries;
  const int i = std::min(static_cast<int>(position), kEntries - 1);
  return table[i] + (table[i + 1] - table[i]) * (position - i);
}

// Linear light -> 8-bit gamma-encoded value: round(255 * v^(1/kGamma)), i.e. the number of level
// boundaries ((k - 0.5) / 255)^kGamma, k = 1..255, at or below v. A table over v gives the count
// at the start of v's bucket; the few boundaries inside the bucket are then stepped over.
uint8_t to_gamma8(float v) {
  constexpr int kBuckets = 1 << 16;
  struct Tables {
    std::array<float, 256> boundaries{};  // [255] = +inf, a sentinel
    std::vector<uint8_t> start = std::vector<uint8_t>(kBuckets);
  };
  static const Tables tables = [] {
    Tables t;
    for (int k = 1; k <= 255; ++k) t.boundaries[k - 1] = static_cast<float>(std::pow((k - 0.5) / 255.0, kGamma));
    t.boundaries[255] = std::numeric_limits<float>::infinity();
    int level = 0;
    for (int i = 0; i < kBuckets; ++i) {
      while (t.boundaries[level] <= static_cast<float>(double(i) / kBuckets)) ++level;
      t.start[i] = static_cast<uint8_t>(level);
    }
    return t;
  }();
  if (!(v > 0.0f)) return 0;
  if (v >= 1.0f) return 255;
  int level = tables.start[static_cast<int>(v * kBuckets)];
  while (tables.boundaries[level] <= v) ++level;
  return static_cast<uint8_t>(level);
}

// Adds the disc blur of `src` (size x size, zero outside the image) with radius `radius` to `dst`.
// The disc holds the pixels with dx^2 + dy^2 <= r^2 + r; each of its rows is a span, summed from a
// row prefix sum, so the cost is O(pixels * (2r + 1)). Rows of `src` that are all zero are skipped.
// `prefix` is scratch space, reused across calls.
void add_disc_blur(const Plane& src, int64_t size, double radius, Plane& dst, std::vector<double>& prefix) {
  const double reach2 = radius * radius + radius;
  const int64_t rows_reach = static_cast<int64_t>(std::floor(std::sqrt(reach2)));
  std::vector<int64_t> half(2 * rows_reach + 1);
  double count = 0;
  for (int64_t dy = -rows_reach; dy <= rows_reach; ++dy) {
    half[dy + rows_reach] = static_cast<int64_t>(std::floor(std::sqrt(std::max(0.0, reach2 - double(dy * dy)))));
    count += 2.0 * half[dy + rows_reach] + 1;
  }
  int64_t first = size, last = -1;
  prefix.assign(static_cast<size_t>(size * (size + 1)), 0.0);
  for (int64_t y = 0; y < size; ++y) {
    double* p = &prefix[y * (size + 1)];
    bool any = false;
    for (int64_t x = 0; x < size; ++x) {
      const float v = src[y * size + x];
      any = any || v != 0.0f;
      p[x + 1] = p[x] + v;
    }
    if (any) first = std::min(first, y), last = y;
  }
  if (last < 0) return;
  const double scale = 1.0 / count;
  for (int64_t y = std::max<int64_t>(0, first - rows_reach); y <= std::min(size - 1, last + rows_reach); ++y) {
    for (int64_t dy = -rows_reach; dy <= rows_reach; ++dy) {
      const int64_t sy = y + dy;
      if (sy < first || sy > last) continue;
      const double* p = &prefix[sy * (size + 1)];
      const int64_t h = half[dy + rows_reach];
      float* out = &dst[y * size];
      const int64_t inner_begin = std::min(h, size), inner_end = std::max(inner_begin, size - h - 1);
      auto clamped = [&](int64_t x) {
        out[x] += static_cast<float>((p[std::min(x + h + 1, size)] - p[std::max<int64_t>(x - h, 0)]) * scale);
      };
      for (int64_t x = 0; x < inner_begin; ++x) clamped(x);
      for (int64_t x = inner_begin; x < inner_end; ++x)  // the span lies inside the row: no clamping
        out[x] += static_cast<float>((p[x + h + 1] - p[x - h]) * scale);
      for (int64_t x = inner_end; x < size; ++x) clamped(x);
    }
  }
}

// Blob coverage in [0, 1] with a kEdgeWidth-pixel ramp across the (wobbly) boundary.
double blob_alpha(const Blob& blob, double x, double y) {
  const double dx = x - blob.cx, dy = y - blob.cy;
  const double u = (dx * std::cos(blob.angle) + dy * std::sin(blob.angle)) / blob.a;
  const double v = (-dx * std::sin(blob.angle) + dy * std::cos(blob.angle)) / blob.b;
  const double boundary = 1 + blob.wobble * std::sin(blob.lobes * std::atan2(v, u) + blob.phase);
  const double distance = (std::sqrt(u * u + v * v) - boundary) * std::min(blob.a, blob.b);
  return std::clamp(0.5 - distance / kEdgeWidth, 0.0, 1.0);
}

Image encode(const RgbPlanes& linear, int64_t size) {
  Image image{size, size, std::vector<uint8_t>(static_cast<size_t>(size * size * 3))};
  for (int64_t i = 0; i < size * size; ++i)
    for (int k = 0; k < 3; ++k) image.rgb[i * 3 + k] = to_gamma8(linear[k][i]);
  return image;
}

// round(255 * v) of a [0, 1] plane in all three channels.
Image grey_image(const Plane& plane, int64_t size) {
  Image image{size, size, std::vector<uint8_t>(static_cast<size_t>(size * size * 3))};
  for (int64_t i = 0; i < size * size; ++i)
    image.rgb[i * 3] = image.rgb[i * 3 + 1] = image.rgb[i * 3 + 2] =
        static_cast<uint8_t>(std::lround(255.0 * plane[i]));
  return image;
}

}  // namespace

void validate_synthetic_config(const common::SyntheticConfig& config) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("synthetic data: " + what); };
  if (config.count < 0) fail("count must be >= 0, got " + std::to_string(config.count));
  if (config.size < 8) fail("size must be >= 8, got " + std::to_string(config.size));
  if (!(config.focus >= 0 && config.focus <= 1)) fail("focus must be in [0, 1], got " + std::to_string(config.focus));
  if (!(config.aperture >= 0)) fail("aperture must be >= 0, got " + std::to_string(config.aperture));
}

double circle_of_confusion(const common::SyntheticConfig& config, double depth) {
  const double size = static_cast<double>(config.size);
  return std::min(config.aperture * kCocPerSize * size * std::abs(depth - config.focus), kMaxCocPerSize * size);
}

SyntheticPair render_synthetic_pair(const common::SyntheticConfig& config, int64_t index) {
  validate_synthetic_config(config);
  const Scene scene = make_scene(config, index);
  const int64_t size = config.size, pixels = size * size;
  const Plane zero(static_cast<size_t>(pixels), 0.0f);

  // Background in linear light (highlights above 1), its depth and circle of confusion.
  RgbPlanes original{zero, zero, zero};
  Plane depth(zero), radius(zero), in_focus(zero);
  for (int64_t y = 0; y < size; ++y)
    for (int64_t x = 0; x < size; ++x) {
      const Rgb c = texture_colour(scene.background, x + 0.5, y + 0.5);
      for (int k = 0; k < 3; ++k) original[k][y * size + x] = static_cast<float>(to_linear(c[k]));
      const double d =
          scene.depth_base + scene.depth_gx * ((x + 0.5) / size - 0.5) + scene.depth_gy * ((y + 0.5) / size - 0.5);
      depth[y * size + x] = static_cast<float>(std::clamp(d, scene.depth_lo, 1.0));
      radius[y * size + x] = static_cast<float>(circle_of_confusion(config, depth[y * size + x]));
      in_focus[y * size + x] = static_cast<float>(in_focus_weight(radius[y * size + x]));
    }
  for (const Highlight& h : scene.highlights) {
    const int64_t reach = static_cast<int64_t>(std::ceil(3 * h.sigma));
    for (int64_t y = std::max<int64_t>(0, int64_t(h.y) - reach); y <= std::min(size - 1, int64_t(h.y) + reach); ++y)
      for (int64_t x = std::max<int64_t>(0, int64_t(h.x) - reach); x <= std::min(size - 1, int64_t(h.x) + reach); ++x) {
        const double r2 = (x + 0.5 - h.x) * (x + 0.5 - h.x) + (y + 0.5 - h.y) * (y + 0.5 - h.y);
        const double g = h.intensity * std::exp(-r2 / (2 * h.sigma * h.sigma));
        for (int k = 0; k < 3; ++k) original[k][y * size + x] += static_cast<float>(g * h.colour[k]);
      }
  }

  // Bokeh background: split the continuous radius into layers at integer radii (linear weights
  // that sum to 1 per pixel), blur each layer's weighted colour and weight, normalise.
  RgbPlanes bokeh{zero, zero, zero};
  Plane weight_sum(zero), layer(zero);
  std::vector<double> scratch;
  const int64_t max_layer = static_cast<int64_t>(std::ceil(*std::max_element(radius.begin(), radius.end())));
  for (int64_t l = 0; l <= max_layer; ++l) {
    for (int64_t i = 0; i < pixels; ++i) layer[i] = std::max(0.0f, 1.0f - std::abs(radius[i] - float(l)));
    add_disc_blur(layer, size, double(l), weight_sum, scratch);
    Plane weighted(zero);
    for (int k = 0; k < 3; ++k) {
      for (int64_t i = 0; i < pixels; ++i) weighted[i] = layer[i] * original[k][i];
      add_disc_blur(weighted, size, double(l), bokeh[k], scratch);
    }
  }
  for (int k = 0; k < 3; ++k)
    for (int64_t i = 0; i < pixels; ++i) bokeh[k][i] /= std::max(weight_sum[i], 1e-6f);

  // Objects back to front: "over" in the original; in the target the premultiplied colour and
  // the alpha are blurred by the object's disc first.
  for (const Blob& blob : scene.objects) {
    const double r = circle_of_confusion(config, blob.depth);
    Plane alpha(zero);
    RgbPlanes premultiplied{zero, zero, zero};
    const double reach = std::max(blob.a, blob.b) * (1 + blob.wobble) + kEdgeWidth;
    for (int64_t y = std::max<int64_t>(0, int64_t(blob.cy - reach));
         y <= std::min<int64_t>(size - 1, int64_t(blob.cy + reach)); ++y)
      for (int64_t x = std::max<int64_t>(0, int64_t(blob.cx - reach));
           x <= std::min<int64_t>(size - 1, int64_t(blob.cx + reach)); ++x) {
        const int64_t i = y * size + x;
        const double a = blob_alpha(blob, x + 0.5, y + 0.5);
        if (a <= 0) continue;
        const Rgb c = texture_colour(blob.texture, x + 0.5, y + 0.5);
        alpha[i] = static_cast<float>(a);
        for (int k = 0; k < 3; ++k) {
          premultiplied[k][i] = static_cast<float>(a * to_linear(c[k]));
          original[k][i] = premultiplied[k][i] + (1 - alpha[i]) * original[k][i];
        }
        in_focus[i] = static_cast<float>(a * in_focus_weight(r) + (1 - a) * in_focus[i]);
        if (a > 0.5) depth[i] = static_cast<float>(blob.depth);
      }
    Plane blurred_alpha(zero);
    add_disc_blur(alpha, size, r, blurred_alpha, scratch);
    for (int k = 0; k < 3; ++k) {
      Plane blurred(zero);
      add_disc_blur(premultiplied[k], size, r, blurred, scratch);
      for (int64_t i = 0; i < pixels; ++i) bokeh[k][i] = blurred[i] + (1 - blurred_alpha[i]) * bokeh[k][i];
    }
  }

  return {encode(original, size), encode(bokeh, size), grey_image(depth, size), grey_image(in_focus, size)};
}

void write_synthetic_dataset(const std::filesystem::path& root, const common::SyntheticConfig& config) {
  validate_synthetic_config(config);
  for (const char* folder : {"original", "bokeh", "depth", "mask"}) std::filesystem::create_directories(root / folder);
  at::parallel_for(0, config.count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const SyntheticPair pair = render_synthetic_pair(config, i);
      const std::string name = std::to_string(i) + ".png";
      write_image(root / "original" / name, pair.original);
      write_image(root / "bokeh" / name, pair.bokeh);
      write_image(root / "depth" / name, pair.depth);
      write_image(root / "mask" / name, pair.mask);
    }
  });
}

}  // namespace bokeh::training
