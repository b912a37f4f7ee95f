// Scoring predicted images against targets, for `metrics` (see image_scores.h).
#include "worker/image_scores.h"

#include <fmt/format.h>

#include <stdexcept>

#include "worker/data/image_io.h"
#include "worker/data/image_tensor.h"
#include "worker/data/stem_matching.h"
#include "worker/image_metrics.h"
#include "worker/lpips.h"
#include "worker/ssim.h"

namespace bokeh::worker {

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

namespace {

ImageScores score_pair(const ScoredPair& pair, const Lpips& lpips) {
  const Image pred = read_image(pair.pred), target = read_image(pair.target);
  if (pred.width != target.width || pred.height != target.height)
    throw std::runtime_error(fmt::format("{} is {}x{} but {} is {}x{}", pair.pred.string(), pred.width, pred.height,
                                         pair.target.string(), target.width, target.height));
  const auto p = image_to_tensor(pred).unsqueeze(0), t = image_to_tensor(target).unsqueeze(0);  // (1, 3, H, W)
  const auto p64 = p.to(torch::kFloat64), t64 = t.to(torch::kFloat64);
  ImageScores s;
  try {
    s.psnr = psnr(p64, t64).item<double>();
    s.ssim = ssim(p64, t64).item<double>();
    s.l1 = l1_error(p64, t64).item<double>();
    if (lpips) s.lpips = lpips->forward(p, t).item<double>();
  } catch (const std::exception& e) {  // e.g. images too small for the SSIM window or AlexNet
    throw std::runtime_error(fmt::format("{} vs {}: {}", pair.pred.string(), pair.target.string(), e.what()));
  }
  return s;
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
  double lpips_sum = 0;
  bool every_lpips = true;
  for (const ImageScores& s : scores) {
    mean.psnr += s.psnr, mean.ssim += s.ssim, mean.l1 += s.l1;
    if (s.lpips) lpips_sum += *s.lpips;
    every_lpips = every_lpips && s.lpips.has_value();
  }
  const auto n = static_cast<double>(scores.size());
  mean.psnr /= n, mean.ssim /= n, mean.l1 /= n;
  if (every_lpips) mean.lpips = lpips_sum / n;
  return mean;
}

}  // namespace bokeh::worker
