// The result-figures table and its lookups (result_figures.h).
#include "common/result_figures.h"

#include <fmt/format.h>

namespace bokeh::common {
namespace {

// A figure of the results JSON (per epoch or per run).
ResultFigure stored(std::string name, std::optional<double> ResultFigures::*result, std::string json_key,
                    std::string header, FigureScope scope, std::vector<int64_t> tables) {
  ResultFigure f;
  f.name = std::move(name);
  f.json_key = std::move(json_key);
  f.result = result;
  f.header = std::move(header);
  f.scope = scope;
  f.tables = std::move(tables);
  return f;
}

// A figure the run's settings fix before it trains; the run's record holds it, not its results.
ResultFigure fixed_before_training(std::string name, std::string header, std::string unit,
                                   std::vector<int64_t> tables) {
  ResultFigure f;
  f.name = std::move(name);
  f.header = std::move(header);
  f.unit = std::move(unit);
  f.scope = FigureScope::Static;
  f.tables = std::move(tables);
  return f;
}

ResultFigure with_axis(ResultFigure f, AxisRole role, std::string axis, std::string note = "") {
  f.role = role;
  f.axis = std::move(axis);
  f.axis_note = std::move(note);
  return f;
}

ResultFigure with_format(ResultFigure f, int decimals, int max_decimals, int compared_decimals) {
  f.format.decimals = decimals;
  f.format.max_decimals = max_decimals;
  f.format.compared_decimals = compared_decimals;
  return f;
}

// A test metric: compared against published results in Table 4 with its direction in the header.
ResultFigure test_metric(std::string name, std::optional<double> ResultFigures::*result, std::string header,
                         Better better, std::string axis) {
  ResultFigure f = stored(name, result, name, header, FigureScope::PerRun, {3, 4});
  f.compared_header = header + (better == Better::Higher ? " ↑" : " ↓");
  f.better = better;
  return with_axis(with_format(f, 2, 4, 4), AxisRole::Quality, std::move(axis), "test set");
}

// A validation metric of every epoch (the per-image mean over the validation pairs); a run's results
// hold its last epoch's.
ResultFigure validation_metric(std::string name, std::optional<double> ResultFigures::*result, std::string header,
                               Better better) {
  ResultFigure f = stored(name, result, name, header, FigureScope::PerEpoch, {});
  f.better = better;
  f.objective = ObjectiveUse::Comparable;
  return with_format(f, 2, 4, 4);
}

// A loss of every epoch: the run's own weighted sum, so an objective only between runs of equal weights.
ResultFigure loss(std::string name, std::optional<double> ResultFigures::*result, std::string header) {
  ResultFigure f = stored(name, result, name, header, FigureScope::PerEpoch, {1, 2, 3});
  f.objective = ObjectiveUse::LossWeighted;
  return f;
}

// A validation metric's value at the run's best epoch (the weights best.pt holds, tested and rendered):
// what runs are compared and chosen by when it is the objective (`report --y`, --select).
ResultFigure at_best_epoch(const ResultFigure& metric, std::optional<double> ResultFigures::*result) {
  ResultFigure f = metric;
  f.name = "best_" + metric.name;
  f.json_key = "";  // the reader takes it from the history
  f.result = result;
  f.header = "Best_" + metric.header;
  f.compared_header = metric.header + (metric.better == Better::Higher ? " ↑" : " ↓");
  f.scope = FigureScope::PerRun;
  f.objective = ObjectiveUse::None;
  return with_axis(f, AxisRole::Quality, metric.name, "best epoch's");
}

// A figure of the best weights' inference (Table 4), lower is better.
ResultFigure inference_figure(const std::string& name, std::optional<double> ResultFigures::*result, std::string header,
                              std::string unit, int decimals) {
  ResultFigure f = stored(name, result, name, std::move(header), FigureScope::PerRun, {4});
  f.unit = std::move(unit);
  return with_format(f, decimals, decimals + 1, decimals);
}

// A figure in decibels (the PSNRs, the blur figure): two decimals are enough wherever it is written.
ResultFigure in_decibels(ResultFigure f) {
  f.unit = "dB";
  f.format.max_decimals = f.format.compared_decimals = 2;
  return f;
}

std::vector<ResultFigure> make_figures() {
  using R = ResultFigures;
  ResultFigure runtime =
      stored("runtime_min", &R::runtime_seconds, "runtime_seconds", "Runtime (min)", FigureScope::PerRun, {1, 2, 3, 4});
  runtime.compared_header = "Train runtime (min)";
  runtime.unit = "min";
  ResultFigure best_epoch = stored("best_epoch", &R::best_epoch, "best_epoch", "Best_Epoch", FigureScope::PerRun, {2});
  best_epoch.format.count = true;
  best_epoch.better = Better::Neither;
  const ResultFigure psnr = in_decibels(test_metric("test_psnr", &R::test_psnr, "PSNR", Better::Higher, "psnr"));
  const ResultFigure val_psnr = in_decibels(validation_metric("val_psnr", &R::val_psnr, "Val_PSNR", Better::Higher));
  const ResultFigure val_l1 = validation_metric("val_l1", &R::val_l1, "Val_L1", Better::Lower);
  const ResultFigure val_ssim = validation_metric("val_ssim", &R::val_ssim, "Val_SSIM", Better::Higher);
  const ResultFigure val_lpips = validation_metric("val_lpips", &R::val_lpips, "Val_LPIPS", Better::Lower);
  const ResultFigure val_fg_psnr =
      in_decibels(validation_metric("val_fg_psnr", &R::val_fg_psnr, "Val_FG_PSNR", Better::Higher));
  const ResultFigure val_fg_ssim = validation_metric("val_fg_ssim", &R::val_fg_ssim, "Val_FG_SSIM", Better::Higher);
  const ResultFigure val_bg_psnr =
      in_decibels(validation_metric("val_bg_psnr", &R::val_bg_psnr, "Val_BG_PSNR", Better::Higher));
  const ResultFigure val_bg_ssim = validation_metric("val_bg_ssim", &R::val_bg_ssim, "Val_BG_SSIM", Better::Higher);
  const ResultFigure val_bg_blur =
      in_decibels(validation_metric("val_bg_blur", &R::val_bg_blur, "Val_BG_Blur", Better::Lower));
  // Background SSIM is not one of Tables 3 and 4's columns (BG_PSNR and BG_Blur show the background).
  ResultFigure test_bg_ssim = test_metric("test_bg_ssim", &R::test_bg_ssim, "BG_SSIM", Better::Higher, "bg_ssim");
  test_bg_ssim.tables = {};
  return {
      with_axis(fixed_before_training("params_m", "Params (M)", "M", {1, 2, 4}), AxisRole::Cost, "params"),
      with_axis(fixed_before_training("train_tflop", "Train cost (TFLOP, est.)", "TFLOP", {}), AxisRole::Cost, "flops",
                "estimated training FLOPs"),
      with_axis(with_format(runtime, 0, 2, 0), AxisRole::Cost, "runtime"),
      loss("train_loss", &R::train_loss, "Train_Loss"),
      loss("val_loss", &R::val_loss, "Val_Loss"),
      stored("gap", &R::gap, "gap", "Gap", FigureScope::PerEpoch, {1, 2}),
      val_l1,
      val_psnr,
      val_ssim,
      val_lpips,
      val_fg_psnr,
      val_fg_ssim,
      val_bg_psnr,
      val_bg_ssim,
      val_bg_blur,
      with_axis(with_format(stored("best_val_loss", &R::best_val_loss, "best_val_loss", "Best_Val_Loss",
                                   FigureScope::PerRun, {2}),
                            2, 4, 4),
                AxisRole::Quality, "val_loss", "best epoch's"),
      at_best_epoch(val_l1, &R::best_val_l1),
      at_best_epoch(val_psnr, &R::best_val_psnr),
      at_best_epoch(val_ssim, &R::best_val_ssim),
      at_best_epoch(val_lpips, &R::best_val_lpips),
      at_best_epoch(val_fg_psnr, &R::best_val_fg_psnr),
      at_best_epoch(val_fg_ssim, &R::best_val_fg_ssim),
      at_best_epoch(val_bg_psnr, &R::best_val_bg_psnr),
      at_best_epoch(val_bg_ssim, &R::best_val_bg_ssim),
      at_best_epoch(val_bg_blur, &R::best_val_bg_blur),
      best_epoch,
      with_format(stored("test_l1", &R::test_l1, "test_l1", "L1", FigureScope::PerRun, {3}), 2, 4, 4),
      psnr,
      test_metric("test_ssim", &R::test_ssim, "SSIM", Better::Higher, "ssim"),
      test_metric("test_lpips", &R::test_lpips, "LPIPS", Better::Lower, "lpips"),
      in_decibels(test_metric("test_fg_psnr", &R::test_fg_psnr, "FG_PSNR", Better::Higher, "fg_psnr")),
      test_metric("test_fg_ssim", &R::test_fg_ssim, "FG_SSIM", Better::Higher, "fg_ssim"),
      in_decibels(test_metric("test_bg_psnr", &R::test_bg_psnr, "BG_PSNR", Better::Higher, "bg_psnr")),
      test_bg_ssim,
      in_decibels(test_metric("test_bg_blur", &R::test_bg_blur, "BG_Blur", Better::Lower, "bg_blur")),
      // The best weights rendering one full-resolution photo (common::InferenceFigures), together.
      with_axis(inference_figure("inference_seconds", &R::inference_seconds, "Inference (s/image)", "s", 3),
                AxisRole::Cost, "inference", "measured where metrics.inference_repeats > 0"),
      inference_figure("inference_peak_mb", &R::inference_peak_mb, "Inference peak (MB)", "MB", 0),
  };
}

// The first figure of the table that `match` accepts, or nullptr.
template <typename Match>
const ResultFigure* first_figure(Match match) {
  for (const ResultFigure& f : result_figure_table()) {
    if (match(f)) return &f;
  }
  return nullptr;
}

}  // namespace

const std::vector<ResultFigure>& result_figure_table() {
  static const std::vector<ResultFigure> figures = make_figures();
  return figures;
}

const ResultFigure* find_result_figure(const std::string& name) {
  return first_figure([&](const ResultFigure& f) { return f.name == name; });
}

const ResultFigure* figure_for_header(const std::string& header) {
  return first_figure([&](const ResultFigure& f) { return f.header == header || f.compared_header == header; });
}

const ResultFigure* axis_figure(AxisRole role, const std::string& choice) {
  return first_figure([&](const ResultFigure& f) { return f.role == role && f.axis == choice; });
}

std::vector<std::string> axis_choices(AxisRole role) {
  std::vector<std::string> out;
  for (const ResultFigure& f : result_figure_table()) {
    if (f.role == role) out.push_back(f.axis);
  }
  return out;
}

std::string axis_choices_text(AxisRole role, bool with_notes) {
  std::vector<const ResultFigure*> choices;
  for (const ResultFigure& f : result_figure_table()) {
    if (f.role == role) choices.push_back(&f);
  }
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i]->axis;
    const std::string& note = choices[i]->axis_note;
    const bool run_ends = i + 1 == choices.size() || choices[i + 1]->axis_note != note;
    if (with_notes && run_ends && !note.empty()) out += " (" + note + ")";
  }
  return out;
}

const std::string& compared_header(const ResultFigure& figure) {
  return figure.compared_header.empty() ? figure.header : figure.compared_header;
}

std::string compared_text(const ResultFigure& figure, double value) {
  return fmt::format("{:.{}f}", value, figure.format.compared_decimals);
}

}  // namespace bokeh::common
