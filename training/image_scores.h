// What `metrics` computes: predicted images scored against their targets (PSNR, SSIM, L1 and, with
// LPIPS weights, LPIPS), one pair of files or two folders matched by stem, and the mean. Images are
// read at their files' precision (a 16-bit PNG at 16 bits, training/data/image_io.h: read_image_16) and
// scored a strip at a time, so memory stays a small multiple of the decoded images.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bokeh::training {

struct ScoredPair {
  std::string name;  // the files' stem
  std::filesystem::path pred, target;
};

struct ImageScores {
  double psnr = 0;             // +inf for identical images
  std::optional<double> ssim;  // none for an image under 11x11 (the SSIM window)
  double l1 = 0;
  std::optional<double> lpips;  // none without LPIPS weights or for an image under 31x31 (kLpipsMinSide)
};

// `pred` and `target` are two image files, or two folders whose images pair by stem (in stem order).
// Throws std::runtime_error naming the path: a missing one, a file and a folder, a stem on one side
// only, no images, or a pair of different sizes.
std::vector<ScoredPair> pairs_to_score(const std::filesystem::path& pred, const std::filesystem::path& target);

// Each pair's figures on values in [0, 1] (8-bit samples / 255, 16-bit ones / 65535, so an 8-bit file
// and its exact 16-bit widening score as identical), in float64 (LPIPS in float32, as its weights
// are), with LPIPS when `lpips_weights` names a weights file (tools/export_lpips_weights.py). Errors
// name both files. The header needs no libtorch: `metrics`' main compiles without it.
std::vector<ImageScores> score_pairs(const std::vector<ScoredPair>& pairs, const std::filesystem::path& lpips_weights);

// The mean of each figure over `scores` (not empty); SSIM and LPIPS when every pair has them.
ImageScores mean_scores(const std::vector<ImageScores>& scores);

}  // namespace bokeh::training
