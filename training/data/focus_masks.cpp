// The focus-mask rules and the reading of given masks (see focus_masks.h).
#include "training/data/focus_masks.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "training/data/image_io.h"

namespace bokeh::training {

namespace {

constexpr double kFlatEnergy = (2.0 / 255) * (2.0 / 255);  // eps: energy of a flat, 8-bit-quantised area
constexpr double kLostRatio = 0.3, kKeptRatio = 0.7;

// The (2 * radius + 1)^2 mean of `plane` (height x width), edges clamped: a running sum along each
// row, then running sums of whole rows down the columns, so the cost does not grow with the radius.
std::vector<double> box_mean(const std::vector<double>& plane, int64_t height, int64_t width, int64_t radius) {
  const double scale = 1.0 / static_cast<double>(2 * radius + 1);
  const auto clamped = [](int64_t i, int64_t n) { return std::clamp<int64_t>(i, 0, n - 1); };
  std::vector<double> rows(plane.size()), out(plane.size());
  for (int64_t y = 0; y < height; ++y) {
    const double* in = &plane[y * width];
    double sum = 0;
    for (int64_t d = -radius; d <= radius; ++d) sum += in[clamped(d, width)];
    for (int64_t x = 0; x < width; ++x) {
      rows[y * width + x] = sum * scale;
      sum += in[clamped(x + radius + 1, width)] - in[clamped(x - radius, width)];
    }
  }
  std::vector<double> sums(static_cast<size_t>(width), 0.0);
  for (int64_t d = -radius; d <= radius; ++d)
    for (int64_t x = 0; x < width; ++x) sums[x] += rows[clamped(d, height) * width + x];
  for (int64_t y = 0; y < height; ++y) {
    const double* enter = &rows[clamped(y + radius + 1, height) * width];
    const double* leave = &rows[clamped(y - radius, height) * width];
    for (int64_t x = 0; x < width; ++x) {
      out[y * width + x] = sums[x] * scale;
      sums[x] += enter[x] - leave[x];
    }
  }
  return out;
}

// box7 of the high-frequency energy of the channel-mean image of (3, H, W) planes.
std::vector<double> local_energy(const uint8_t* planes, int64_t height, int64_t width) {
  const int64_t pixels = height * width;
  std::vector<double> grey(static_cast<size_t>(pixels));
  for (int64_t i = 0; i < pixels; ++i)
    grey[i] = (planes[i] + planes[pixels + i] + planes[2 * pixels + i]) / (3.0 * 255.0);
  std::vector<double> energy = box_mean(grey, height, width, 1);
  for (int64_t i = 0; i < pixels; ++i) energy[i] = (grey[i] - energy[i]) * (grey[i] - energy[i]);
  return box_mean(energy, height, width, 3);
}

}  // namespace

double in_focus_weight(double coc_radius) { return std::clamp(1.5 - coc_radius, 0.0, 1.0); }

void derive_focus_mask(const uint8_t* input, const uint8_t* target, int64_t height, int64_t width, uint8_t* mask) {
  const std::vector<double> kept = local_energy(target, height, width), had = local_energy(input, height, width);
  for (int64_t i = 0; i < height * width; ++i) {
    const double ratio = (kept[i] + kFlatEnergy) / (had[i] + kFlatEnergy);
    const double w = std::clamp((ratio - kLostRatio) / (kKeptRatio - kLostRatio), 0.0, 1.0);
    mask[i] = static_cast<uint8_t>(std::lround(255 * w));
  }
}

template <class AnyImage>
void require_grayscale_mask(const AnyImage& image, const std::filesystem::path& path, const std::string& context) {
  for (int64_t i = 0; i < image.width * image.height; ++i) {
    const auto* p = &image.rgb[i * 3];
    if (p[0] != p[1] || p[0] != p[2])
      throw std::runtime_error(path.string() + ": not a grayscale mask (pixel x " + std::to_string(i % image.width) +
                               " y " + std::to_string(i / image.width) + " is red " + std::to_string(p[0]) + " green " +
                               std::to_string(p[1]) + " blue " + std::to_string(p[2]) + context + ")");
  }
}
template void require_grayscale_mask(const Image&, const std::filesystem::path&, const std::string&);
template void require_grayscale_mask(const Image16&, const std::filesystem::path&, const std::string&);

void read_focus_mask(const std::filesystem::path& path, int64_t height, int64_t width, uint8_t* mask) {
  const Image image = read_image(path);
  require_grayscale_mask(image, path, "; data.mask_root");
  const Image fitted = fit_image(image, width, height);
  for (int64_t i = 0; i < height * width; ++i) mask[i] = fitted.rgb[i * 3];
}

}  // namespace bokeh::training
