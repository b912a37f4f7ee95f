// build/metrics: scores predicted images against targets (training/image_scores.h: PSNR, SSIM, L1 and,
// with LPIPS weights, LPIPS), for one pair of image files or two folders matched by file stem; prints
// a markdown table (per pair, then the mean) or JSON; with --masks, the in-focus / background figures
// beside them (training/focus_metrics.h).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/exit_codes.h"
#include "training/image_scores.h"

using namespace bokeh::training;

namespace {
std::string cell(double value, int decimals) {
  return std::isinf(value) ? (value > 0 ? "inf" : "-inf") : fmt::format("{:.{}f}", value, decimals);
}

std::string cell(const std::optional<double>& value, int decimals) { return value ? cell(*value, decimals) : "–"; }

// The focus columns' cells (with a leading " | "), or nothing without masks.
std::string focus_cells(const std::optional<FocusScores>& f) {
  if (!f) return "";
  return fmt::format(" | {} | {} | {} | {} | {}", cell(f->fg_psnr, 4), cell(f->bg_psnr, 4), cell(f->fg_ssim, 6),
                     cell(f->bg_ssim, 6), cell(f->bg_blur, 4));
}

void print_markdown(const std::vector<ScoredPair>& pairs, const std::vector<ImageScores>& scores,
                    const ImageScores& mean) {
  auto row = [](const std::string& name, const ImageScores& s) {
    fmt::print("| {} | {} | {} | {} | {}{} |\n", name, cell(s.psnr, 4), cell(s.ssim, 6), cell(s.l1, 6),
               cell(s.lpips, 6), focus_cells(s.focus));
  };
  if (mean.focus)
    fmt::print(
        "| image | PSNR (dB) | SSIM | L1 | LPIPS | FG_PSNR (dB) | BG_PSNR (dB) | FG_SSIM | BG_SSIM | BG_Blur (dB) "
        "|\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  else
    fmt::print("| image | PSNR (dB) | SSIM | L1 | LPIPS |\n|---|---:|---:|---:|---:|\n");
  for (size_t i = 0; i < pairs.size(); ++i) row(pairs[i].name, scores[i]);
  row(fmt::format("mean of {}", pairs.size()), mean);
}

// A figure, or null where "–" is printed or it is infinite (JSON has no infinity).
nlohmann::json value(const std::optional<double>& v) {
  return v && !std::isinf(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// PSNR is null for identical images; SSIM and LPIPS are null where "–" is printed; the focus figures
// (with masks) likewise.
nlohmann::json to_json(const ImageScores& s) {
  nlohmann::json out = {{"psnr", value(s.psnr)}, {"ssim", value(s.ssim)}, {"l1", s.l1}, {"lpips", value(s.lpips)}};
  if (s.focus) {
    out["fg_psnr"] = value(s.focus->fg_psnr), out["bg_psnr"] = value(s.focus->bg_psnr);
    out["fg_ssim"] = value(s.focus->fg_ssim), out["bg_ssim"] = value(s.focus->bg_ssim);
    out["bg_blur"] = value(s.focus->bg_blur);
  }
  return out;
}

void print_json(const std::vector<ScoredPair>& pairs, const std::vector<ImageScores>& scores, const ImageScores& mean) {
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
      "Scores predicted images against targets: PSNR (data range 1), SSIM (Gaussian 11x11, sigma 1.5; \"–\" under "
      "11x11), L1 and, with --lpips-weights, LPIPS 'alex' v0.1 (\"–\" without, or under 31x31). 16-bit PNGs are "
      "scored at 16 bits. PRED and TARGET are two image files or two folders whose .png/.jpg/.jpeg images are "
      "matched by file stem. Exit status 2 on bad input (a missing or unreadable file, a stem on one side only, "
      "images of different sizes; with --masks, a missing folder, a stem without a mask, a mask of another size or "
      "one that is not grayscale), with one line naming it."};
  std::string pred, target, weights, masks;
  bool json = false;
  app.add_option("PRED", pred, "predicted image, or a folder of them")->required();
  app.add_option("TARGET", target, "ground-truth image, or a folder of them")->required();
  app.add_option("--lpips-weights", weights, "LPIPS weights file written by tools/export_lpips_weights.py");
  app.add_option("--masks", masks,
                 "in-focus masks: a folder of grayscale images named by stem (255 = in focus, 0 = background), or "
                 "one image for one pair; adds FG_PSNR, BG_PSNR, FG_SSIM, BG_SSIM and BG_Blur (sweeps/README.md)");
  app.add_flag(
      "--json", json,
      "print JSON (PSNR and the focus PSNRs null for identical images or regions, every other figure null where "
      "\"–\" is printed)");
  CLI11_PARSE(app, argc, argv);

  try {
    auto pairs = pairs_to_score(pred, target);
    if (!masks.empty()) attach_masks(pairs, masks);
    const std::vector<ImageScores> scores = score_pairs(pairs, weights);
    const ImageScores mean = mean_scores(scores);
    if (json)
      print_json(pairs, scores, mean);
    else
      print_markdown(pairs, scores, mean);
  } catch (const std::bad_alloc&) {
    std::cerr << "metrics: out of memory\n";
    return bokeh::common::kExitFailed;
  } catch (const std::exception& e) {  // a missing or unreadable file, unmatched stems, sizes that differ
    std::cerr << "metrics: " << e.what() << "\n";
    return bokeh::common::kExitBadInput;
  }
  return bokeh::common::kExitOk;
}
