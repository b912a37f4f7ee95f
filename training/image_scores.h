// What `metrics` computes: predicted images scored against their targets (PSNR, SSIM, L1 and, with
// LPIPS weights, LPIPS; with focus masks, the focus figures of training/focus_metrics.h), one pair of
// files or two folders matched by stem, and the mean. Images are
// read at their files' precision (a 16-bit PNG at 16 bits, training/data/image_io.h: read_image_16) and
// scored a strip at a time, so memory stays a small multiple of the decoded images.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "training/focus_scores.h"

namespace bokeh::training {

struct ScoredPair {
  std::string name;  // the files' stem
  std::filesystem::path pred, target;
  std::filesystem::path mask = {};  // the in-focus mask, or empty for none
};

struct ImageScores {
  double psnr = 0;             // +inf for identical images
  std::optional<double> ssim;  // none for an image under 11x11 (the SSIM window)
  double l1 = 0;
  std::optional<double> lpips;  // none without LPIPS weights or for an image under 31x31 (kLpipsMinSide)
  std::optional<FocusScores> focus = std::nullopt;  // with a mask
};

// `pred` and `target` are two image files, or two folders whose images pair by stem (in stem order).
// Throws std::runtime_error naming the path: a missing one, a file and a folder, a stem on one side
// only, no images, or a pair of different sizes.
std::vector<ScoredPair> pairs_to_score(const std::filesystem::path& pred, const std::filesystem::path& target);

// Gives each pair its in-focus mask from `masks`: the image of the pair's stem in that folder, or,
// for a single pair, that file. Throws std::runtime_error naming the path: `masks` missing, a file
// for several pairs, or a pair with no mask of its stem.
void attach_masks(std::vector<ScoredPair>& pairs, const std::filesystem::path& masks);

// Each pair's figures on values in [0, 1] (8-bit samples / 255, 16-bit ones / 65535, so an 8-bit file
// and its exact 16-bit widening score as identical), in float64 (LPIPS in float32, as its weights
// are), with LPIPS when `lpips_weights` names a weights file (tools/export_lpips_weights.py), and the
// focus figures where a pair has a mask: a grayscale image of the pair's size, w = value / 255 (a
// 16-bit one's / 65535), computed on the whole image at once (float64: about 460 bytes a pixel more).
// Errors name both files, or the mask and what is wrong with it (its size, a pixel that is not grey).
// The header needs no libtorch: `metrics`' main compiles without it.
std::vector<ImageScores> score_pairs(const std::vector<ScoredPair>& pairs, const std::filesystem::path& lpips_weights);

// The mean of each figure over `scores` (not empty); SSIM and LPIPS when every pair has them; the
// focus figures when every pair has a mask (each over the pairs that have it: mean_focus_scores).
ImageScores mean_scores(const std::vector<ImageScores>& scores);

}  // namespace bokeh::training
