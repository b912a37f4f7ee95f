// The result-figures table's invariants: unique names, JSON keys and headers, units as the headers
// name them; every objective has a direction; every report --x/--y choice resolves to its figure;
// every figure of the results JSON goes through the writer and the tolerant reader; static figures
// stay out of the results JSON.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/result_figures.h"
#include "common/result_json.h"

using namespace bokeh::common;

namespace {

// A finished run whose figures all differ, so a key read into the wrong field shows.
TrainResult distinct_result() {
  TrainResult r{7, 5, 0.31, 0.42, 0.35, 0.07, {0.11, 24.5, 0.83, 0.21}, 630, 12.5, 1234, {}, "fp32", "2.15.0"};
  r.test.focus = {29.5, 22.5, 0.93, 0.73, 0.45};  // fg_psnr, bg_psnr, fg_ssim, bg_ssim, bg_blur
  for (int64_t e = 1; e <= r.epochs; ++e) r.history.push_back({e, 0.5, 0.4, 0.1, 2e-4, 90, 12.5});
  r.history.back().val_l1 = 0.061;  // the results carry the last epoch's validation metrics
  r.history.back().val_psnr = 27.5;
  r.history.back().val_ssim = 0.871;
  r.history.back().val_lpips = 0.191;
  r.history.back().val_fg_psnr = 30.5;  // and its focus figures
  r.history.back().val_fg_ssim = 0.941;
  r.history.back().val_bg_psnr = 23.25;
  r.history.back().val_bg_ssim = 0.741;
  r.history.back().val_bg_blur = 0.55;
  EpochFigures& best = r.history[4];  // epoch 5, the best: its figures are the best_val_* ones
  best.val_l1 = 0.071;
  best.val_psnr = 26.5;
  best.val_ssim = 0.851;
  best.val_lpips = 0.201;
  best.val_fg_psnr = 29.75;
  best.val_fg_ssim = 0.921;
  best.val_bg_psnr = 23.75;
  best.val_bg_ssim = 0.751;
  best.val_bg_blur = 0.65;
  r.inference = InferenceFigures{0.734, 412.0, "cpu, 2 threads", 3};
  return r;
}

}  // namespace

TEST_CASE("result figures have unique names, JSON keys and headers", "[result-figures]") {
  std::set<std::string> names, keys, headers;
  for (const ResultFigure& f : result_figure_table()) {
    INFO(f.name);
    CHECK(names.insert(f.name).second);
    CHECK_FALSE(f.header.empty());
    CHECK(headers.insert(f.header).second);
    if (!f.compared_header.empty()) CHECK(headers.insert(f.compared_header).second);
    if (!f.json_key.empty()) CHECK(keys.insert(f.json_key).second);
    for (int64_t table : f.tables) CHECK((table >= 1 && table <= 4));
    CHECK(f.format.decimals <= f.format.max_decimals);
    // A header that names a unit in parentheses names the figure's: "Runtime (min)", "Params (M)".
    if (f.header.find('(') != std::string::npos) {
      CHECK_FALSE(f.unit.empty());
      CHECK(f.header.find("(" + f.unit) != std::string::npos);
    }
    CHECK(find_result_figure(f.name) == &f);
    CHECK(figure_for_header(f.header) == &f);
    CHECK(figure_for_header(compared_header(f)) == &f);
  }
  CHECK(find_result_figure("no_such_figure") == nullptr);
  CHECK(figure_for_header("Width") == nullptr);
}

TEST_CASE("every objective has a direction and every --x/--y choice resolves", "[result-figures]") {
  for (const ResultFigure& f : result_figure_table()) {
    INFO(f.name);
    CHECK(f.axis.empty() == (f.role == AxisRole::None));
    if (f.role == AxisRole::Quality) CHECK(f.better != Better::Neither);
    if (f.role == AxisRole::Cost) CHECK(f.better == Better::Lower);
  }
  CHECK(axis_choices(AxisRole::Cost) == std::vector<std::string>{"params", "flops", "runtime", "inference"});
  CHECK(axis_choices(AxisRole::Quality) ==
        std::vector<std::string>{"val_loss", "val_l1", "val_psnr", "val_ssim", "val_lpips", "val_fg_psnr",
                                 "val_fg_ssim", "val_bg_psnr", "val_bg_ssim", "val_bg_blur", "psnr", "ssim", "lpips",
                                 "fg_psnr", "fg_ssim", "bg_psnr", "bg_ssim", "bg_blur"});
  for (AxisRole role : {AxisRole::Cost, AxisRole::Quality}) {
    for (const std::string& choice : axis_choices(role)) {
      INFO(choice);
      REQUIRE(axis_figure(role, choice) != nullptr);
      CHECK(axis_figure(role, choice)->axis == choice);
    }
  }
  CHECK(axis_figure(AxisRole::Quality, "params") == nullptr);
  CHECK(axis_choices_text(AxisRole::Cost) == "params, flops, runtime or inference");
  CHECK(axis_choices_text(AxisRole::Quality) ==
        "val_loss, val_l1, val_psnr, val_ssim, val_lpips, val_fg_psnr, val_fg_ssim, val_bg_psnr, val_bg_ssim, "
        "val_bg_blur, psnr, ssim, lpips, fg_psnr, fg_ssim, bg_psnr, bg_ssim or bg_blur");
  CHECK(
      axis_choices_text(AxisRole::Cost, true) ==
      "params, flops (estimated training FLOPs), runtime or inference (measured where metrics.inference_repeats > 0)");
  CHECK(axis_choices_text(AxisRole::Quality, true) ==
        "val_loss, val_l1, val_psnr, val_ssim, val_lpips, val_fg_psnr, val_fg_ssim, val_bg_psnr, val_bg_ssim, "
        "val_bg_blur (best epoch's), psnr, ssim, lpips, fg_psnr, fg_ssim, bg_psnr, bg_ssim or bg_blur (test set)");
  CHECK(compared_header(*axis_figure(AxisRole::Quality, "fg_psnr")) == "FG_PSNR ↑");
  CHECK(compared_header(*axis_figure(AxisRole::Quality, "val_bg_blur")) == "Val_BG_Blur ↓");
  CHECK(axis_figure(AxisRole::Quality, "val_loss")->name == "best_val_loss");
  CHECK(axis_figure(AxisRole::Quality, "val_psnr")->name == "best_val_psnr");
  CHECK(compared_header(*axis_figure(AxisRole::Quality, "val_psnr")) == "Val_PSNR ↑");
  CHECK(compared_header(*axis_figure(AxisRole::Quality, "psnr")) == "PSNR ↑");
  CHECK(compared_text(*find_result_figure("test_psnr"), 24.514) == "24.51");
}

TEST_CASE("every figure of the results JSON round-trips through the writer and the tolerant reader",
          "[result-figures]") {
  const nlohmann::json stored = result_to_json(distinct_result());
  const ResultFigures read = result_figures_from_json(stored);
  int64_t per_run = 0;
  for (const ResultFigure& f : result_figure_table()) {
    INFO(f.name);
    if (f.scope == FigureScope::Static) {
      CHECK(f.json_key.empty());
      CHECK(f.result == nullptr);
      continue;
    }
    ++per_run;
    REQUIRE(f.result != nullptr);
    if (f.json_key.empty()) {  // a validation figure at the best epoch: read from the history
      REQUIRE((read.*f.result).has_value());
      CHECK(*(read.*f.result) == stored.at("history").at(4).at(f.name.substr(5)).get<double>());
      continue;
    }
    REQUIRE(stored.contains(f.json_key));
    REQUIRE((read.*f.result).has_value());
    CHECK(*(read.*f.result) == stored.at(f.json_key).get<double>());
  }
  // 10, the validation set's L1, PSNR, SSIM, LPIPS and 5 focus figures of the last and the best epoch, the
  // test set's 5 focus figures, and the inference's seconds and peak MB.
  CHECK(per_run == 35);
  // Each figure read from its own key: the values of distinct_result() are all different.
  std::set<double> values;
  for (const ResultFigure& f : result_figure_table()) {
    if (f.result) CHECK(values.insert(*(read.*f.result)).second);
  }
}
