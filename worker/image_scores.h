// What `metrics` computes: predicted images scored against their targets (PSNR, SSIM, L1 and, with
// LPIPS weights, LPIPS), one pair of files or two folders matched by stem, and the mean.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "worker/lpips.h"

namespace bokeh::worker {

struct ScoredPair {
  std::string name;  // the files' stem
  std::filesystem::path pred, target;
};

struct ImageScores {
  double psnr = 0, ssim = 0, l1 = 0;  // PSNR is +inf for identical images
  std::optional<double> lpips;        // without LPIPS weights: none
};

// `pred` and `target` are two image files, or two folders whose images pair by stem (in stem order).
// Throws std::runtime_error naming the path: a missing one, a file and a folder, a stem on one side
// only, no images, or a pair of different sizes.
std::vector<ScoredPair> pairs_to_score(const std::filesystem::path& pred, const std::filesystem::path& target);

// One pair's figures, in float64 (LPIPS in float32, as its weights are). Errors name both files.
ImageScores score_pair(const ScoredPair& pair, const Lpips& lpips);

// The mean of each figure over `scores` (not empty); LPIPS when every pair has it.
ImageScores mean_scores(const std::vector<ImageScores>& scores);

}  // namespace bokeh::worker
