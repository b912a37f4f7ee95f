// Scoring predicted images against targets, for `metrics` (see image_scores.h): both images at 16 bits
// per sample, PSNR and L1 from exact integer sums, SSIM in row strips (training/ssim_strips.h), so
// that memory stays a small multiple of the images' own size.
#include "training/image_scores.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "training/data/focus_masks.h"
#include "training/data/image_io.h"
#include "training/data/stem_matching.h"
#include "training/focus_metrics.h"
#include "training/lpips.h"
#include "training/ssim.h"
#include "training/ssim_strips.h"

namespace bokeh::training {

namespace fs = std::filesystem;

std::vector<ScoredPair> pairs_to_score(const fs::path& pred, const fs::path& target) {
  for (const auto& path : {pred, target})
    if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such file or folder");
  if (fs::is_regular_file(pred) && fs::is_regular_file(target)) return {{pred.stem().string(), pred, target}};
  if (!fs::is_directory(pred) || !fs::is_directory(target))
    throw std::runtime_error(
        fmt::format("{} and {} must both be image files or both folders", pred.string(), target.string()));
  std::vector<ScoredPair> pairs;
  for (StemMatch& m : match_by_stem(pred, target)) pairs.push_back({m.stem, m.left, m.right});
  if (pairs.empty()) throw std::runtime_error(pred.string() + ": no .png/.jpg/.jpeg images");
  return pairs;
}

void attach_masks(std::vector<ScoredPair>& pairs, const fs::path& masks) {
  if (!fs::exists(masks)) throw std::runtime_error(masks.string() + ": no such file or folder (--masks)");
  if (fs::is_regular_file(masks)) {
    if (pairs.size() != 1)
      throw std::runtime_error(masks.string() + ": one mask file for " + std::to_string(pairs.size()) +
                               " pairs (--masks takes a folder of masks named by stem)");
    pairs.front().mask = masks;
    return;
  }
  const auto by_stem = images_by_stem(masks);
  for (ScoredPair& pair : pairs) {
    const auto mask = by_stem.find(pair.name);
    if (mask == by_stem.end())
      throw std::runtime_error(
          fmt::format("{}: no mask with stem '{}' in {}", pair.pred.string(), pair.name, masks.string()));
    pair.mask = mask->second;
  }
}

namespace {

constexpr double kMaxSample = 65535;
// Rows per SSIM strip: about this many map pixels. A strip's float64 temporaries take some 300 bytes
// per map pixel (about 300 MB) whatever the image's size; smaller strips mean more, shorter parallel
// regions, which cost time on a busy machine.
constexpr int64_t kStripPixels = int64_t{1} << 20;

// (3, H, W) view of the interleaved samples, no copy.
torch::Tensor channels_view(const Image16& image) {
  return torch::from_blob(const_cast<uint16_t*>(image.rgb.data()), {image.height, image.width, 3}, torch::kUInt16)
      .permute({2, 0, 1});
}

// (1, 3, H, W) of `dtype` in [0, 1].
torch::Tensor unit_batch(const Image16& image, torch::ScalarType dtype) {
  return channels_view(image).to(dtype).div(kMaxSample).unsqueeze(0);
}

// PSNR (data range 1, +inf for identical images) and L1 from integer sums (exact per row) over every sample.
void score_pixels(const Image16& pred, const Image16& target, ImageScores& s) {
  double squares = 0, absolute = 0;
  const size_t row = static_cast<size_t>(pred.width) * 3;
  for (size_t start = 0; start < pred.rgb.size(); start += row) {
    uint64_t row_squares = 0, row_absolute = 0;
    for (size_t i = start; i < start + row; ++i) {
      const int64_t d = int64_t{pred.rgb[i]} - int64_t{target.rgb[i]};
      row_squares += static_cast<uint64_t>(d * d);
      row_absolute += static_cast<uint64_t>(std::abs(d));
    }
    squares += static_cast<double>(row_squares), absolute += static_cast<double>(row_absolute);
  }
  const auto n = static_cast<double>(pred.rgb.size());
  s.psnr = 10.0 * std::log10(n * kMaxSample * kMaxSample / squares);
  s.l1 = absolute / (n * kMaxSample);
}

// (1, 1, H, W) float64 in-focus weights in [0, 1] from a grayscale mask of width x height.
torch::Tensor read_mask(const fs::path& path, int64_t width, int64_t height) {
  const Image16 mask = read_image_16(path);
  if (mask.width != width || mask.height != height)
    throw std::runtime_error(
        fmt::format("{}: a {}x{} mask for {}x{} images", path.string(), mask.width, mask.height, width, height));
  require_grayscale_mask(mask, path, " of 65535");
  return channels_view(mask).select(0, 0).to(torch::kFloat64).div(kMaxSample).unsqueeze(0).unsqueeze(0);
}

// The focus figures of one pair under its mask, in float64.
FocusScores score_focus(const Image16& pred, const Image16& target, const fs::path& mask) {
  const auto weights = read_mask(mask, pred.width, pred.height);
  return focus_scores(unit_batch(pred, torch::kFloat64), unit_batch(target, torch::kFloat64), weights).front();
}

ImageScores score_pair(const ScoredPair& pair, const Lpips& lpips) {
  const Image16 pred = read_image_16(pair.pred), target = read_image_16(pair.target);
  if (pred.width != target.width || pred.height != target.height)
    throw std::runtime_error(fmt::format("{} is {}x{} but {} is {}x{}", pair.pred.string(), pred.width, pred.height,
                                         pair.target.string(), target.width, target.height));
  ImageScores s;
  score_pixels(pred, target, s);
  if (!pair.mask.empty()) s.focus = score_focus(pred, target, pair.mask);
  const int64_t side = std::min(pred.width, pred.height);
  try {
    if (side >= kSsimWindow)
      s.ssim = ssim_in_strips(channels_view(pred), channels_view(target), 1 / kMaxSample,
                              std::max<int64_t>(1, kStripPixels / pred.width));
    if (lpips && side >= kLpipsMinSide)
      s.lpips = lpips->forward(unit_batch(pred, torch::kFloat32), unit_batch(target, torch::kFloat32)).item<double>();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{} vs {}: {}", pair.pred.string(), pair.target.string(), e.what()));
  }
  return s;
}

// The mean of an optional figure over `scores`, when every pair has it.
std::optional<double> mean_of_every(const std::vector<ImageScores>& scores,
                                    std::optional<double> ImageScores::*figure) {
  double sum = 0;
  for (const ImageScores& s : scores) {
    if (!(s.*figure)) return std::nullopt;
    sum += *(s.*figure);
  }
  return sum / static_cast<double>(scores.size());
}

}  // namespace

std::vector<ImageScores> score_pairs(const std::vector<ScoredPair>& pairs, const std::filesystem::path& lpips_weights) {
  torch::NoGradGuard no_grad;
  const Lpips lpips = lpips_weights.empty() ? Lpips(nullptr) : Lpips(lpips_weights);
  std::vector<ImageScores> scores;
  for (const ScoredPair& pair : pairs) scores.push_back(score_pair(pair, lpips));
  return scores;
}

ImageScores mean_scores(const std::vector<ImageScores>& scores) {
  ImageScores mean;
  for (const ImageScores& s : scores) mean.psnr += s.psnr, mean.l1 += s.l1;
  const auto n = static_cast<double>(scores.size());
  mean.psnr /= n, mean.l1 /= n;
  mean.ssim = mean_of_every(scores, &ImageScores::ssim);
  mean.lpips = mean_of_every(scores, &ImageScores::lpips);
  if (std::all_of(scores.begin(), scores.end(), [](const ImageScores& s) { return s.focus.has_value(); })) {
    std::vector<FocusScores> focus;
    for (const ImageScores& s : scores) focus.push_back(*s.focus);
    mean.focus = mean_focus_scores(focus);
  }
  return mean;
}

}  // namespace bokeh::training
