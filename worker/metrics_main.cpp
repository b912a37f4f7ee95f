// build/metrics: scores predicted images against targets (PSNR, SSIM, L1 and, with LPIPS weights,
// LPIPS), for one pair of image files or two folders matched by file stem; prints a markdown table
// (per pair, then the mean) or JSON.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "worker/image_io.h"
#include "worker/image_metrics.h"
#include "worker/lpips.h"
#include "worker/ssim.h"
#include "worker/exit_codes.h"

namespace fs = std::filesystem;
using namespace bokeh::worker;

namespace {
struct Pair {
  std::string name;
  fs::path pred, target;
};

struct Scores {
  double psnr = 0, ssim = 0, l1 = 0;
  std::optional<double> lpips;
};

bool is_image(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

// stem -> file, for the images directly in `folder`; two files with one stem are an error.
std::map<std::string, fs::path> images_by_stem(const fs::path& folder) {
  std::map<std::string, fs::path> images;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file() || !is_image(entry.path())) continue;
    const auto [it, inserted] = images.emplace(entry.path().stem().string(), entry.path());
    if (!inserted)
      throw std::runtime_error(fmt::format("{} and {} share the stem '{}'", it->second.string(),
                                           entry.path().string(), it->first));
  }
  if (images.empty()) throw std::runtime_error(folder.string() + ": no .png/.jpg/.jpeg images");
  return images;
}

std::vector<Pair> match_pairs(const fs::path& pred, const fs::path& target) {
  for (const auto& path : {pred, target})
    if (!fs::exists(path)) throw std::runtime_error(path.string() + ": no such file or folder");
  if (fs::is_regular_file(pred) && fs::is_regular_file(target)) return {{pred.stem().string(), pred, target}};
  if (!fs::is_directory(pred) || !fs::is_directory(target))
    throw std::runtime_error(fmt::format("{} and {} must both be image files or both folders", pred.string(),
                                         target.string()));
  const auto preds = images_by_stem(pred), targets = images_by_stem(target);
  std::vector<Pair> pairs;
  for (const auto& [stem, file] : preds) {
    const auto match = targets.find(stem);
    if (match == targets.end())
      throw std::runtime_error(fmt::format("{}: no image with stem '{}' in {}", file.string(), stem, target.string()));
    pairs.push_back({stem, file, match->second});
  }
  for (const auto& [stem, file] : targets)
    if (preds.count(stem) == 0)
      throw std::runtime_error(fmt::format("{}: no image with stem '{}' in {}", file.string(), stem, pred.string()));
  return pairs;
}

Scores score(const Pair& pair, const Lpips& lpips) {
  const Image pred = read_image(pair.pred), target = read_image(pair.target);
  if (pred.width != target.width || pred.height != target.height)
    throw std::runtime_error(fmt::format("{} is {}x{} but {} is {}x{}", pair.pred.string(), pred.width, pred.height,
                                         pair.target.string(), target.width, target.height));
  const auto p = image_to_tensor(pred).unsqueeze(0), t = image_to_tensor(target).unsqueeze(0);  // (1, 3, H, W)
  const auto p64 = p.to(torch::kFloat64), t64 = t.to(torch::kFloat64);
  Scores s;
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

std::string cell(double value, int decimals) {
  return std::isinf(value) ? (value > 0 ? "inf" : "-inf") : fmt::format("{:.{}f}", value, decimals);
}

void print_markdown(const std::vector<Pair>& pairs, const std::vector<Scores>& scores, const Scores& mean) {
  auto row = [](const std::string& name, const Scores& s) {
    fmt::print("| {} | {} | {} | {} | {} |\n", name, cell(s.psnr, 4), cell(s.ssim, 6), cell(s.l1, 6),
               s.lpips ? cell(*s.lpips, 6) : "–");
  };
  fmt::print("| image | PSNR (dB) | SSIM | L1 | LPIPS |\n|---|---:|---:|---:|---:|\n");
  for (size_t i = 0; i < pairs.size(); ++i) row(pairs[i].name, scores[i]);
  row(fmt::format("mean of {}", pairs.size()), mean);
}

// PSNR is null for identical images (JSON has no infinity); LPIPS is null without weights.
nlohmann::json to_json(const Scores& s) {
  nlohmann::json j = {{"psnr", s.psnr}, {"ssim", s.ssim}, {"l1", s.l1}, {"lpips", nullptr}};
  if (std::isinf(s.psnr)) j["psnr"] = nullptr;
  if (s.lpips) j["lpips"] = *s.lpips;
  return j;
}

void print_json(const std::vector<Pair>& pairs, const std::vector<Scores>& scores, const Scores& mean) {
  nlohmann::json out = {{"count", pairs.size()}, {"pairs", nlohmann::json::array()}, {"mean", to_json(mean)}};
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto j = to_json(scores[i]);
    j["name"] = pairs[i].name;
    j["pred"] = pairs[i].pred.string();
    j["target"] = pairs[i].target.string();
    out["pairs"].push_back(j);
  }
  std::cout << out.dump(2) << "\n";
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Scores predicted images against targets: PSNR (data range 1), SSIM (Gaussian 11x11, sigma 1.5), L1 and, "
      "with --lpips-weights, LPIPS 'alex' v0.1 (\"–\" without). PRED and TARGET are two image files or two "
      "folders whose .png/.jpg/.jpeg images are matched by file stem."};
  std::string pred, target, weights;
  bool json = false;
  app.add_option("PRED", pred, "predicted image, or a folder of them")->required();
  app.add_option("TARGET", target, "ground-truth image, or a folder of them")->required();
  app.add_option("--lpips-weights", weights, "LPIPS weights file written by tools/export_lpips_weights.py");
  app.add_flag("--json", json, "print JSON (PSNR null for identical images, LPIPS null without weights)");
  CLI11_PARSE(app, argc, argv);

  try {
    torch::NoGradGuard no_grad;
    const Lpips lpips = weights.empty() ? Lpips(nullptr) : Lpips(fs::path(weights));
    const auto pairs = match_pairs(pred, target);
    std::vector<Scores> scores;
    Scores mean;
    double lpips_sum = 0;
    for (const auto& pair : pairs) {
      scores.push_back(score(pair, lpips));
      mean.psnr += scores.back().psnr, mean.ssim += scores.back().ssim, mean.l1 += scores.back().l1;
      if (lpips) lpips_sum += *scores.back().lpips;
    }
    const double n = static_cast<double>(pairs.size());
    mean.psnr /= n, mean.ssim /= n, mean.l1 /= n;
    if (lpips) mean.lpips = lpips_sum / n;
    if (json)
      print_json(pairs, scores, mean);
    else
      print_markdown(pairs, scores, mean);
  } catch (const std::exception& e) {
    std::cerr << "metrics: " << e.what() << "\n";
    return bokeh::kExitFailed;
  }
  return bokeh::kExitOk;
}
