// `report --pareto`: the Pareto front of a quality figure against a cost figure over a sweep's
// configurations (with repeats: their means). Lower cost is better; the quality's direction is its
// own (validation loss and LPIPS lower, PSNR and SSIM higher). The table lists the non-dominated
// configurations by increasing cost and says how many were dominated. The front itself:
// reports/statistics/pareto_front.h.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result_figures.h"
#include "store/store_records.h"
#include "reports/statistics/pareto_front.h"
#include "reports/tables/repeat_groups.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// The cost and the quality by their report --x and --y choices (common/result_figures.h: "params" |
// "flops" | "runtime" and "val_loss" | "psnr" | "ssim" | "lpips"); ReportInputError otherwise.
struct ParetoAxes {
  std::string x = "params";
  std::string y = "val_loss";
};
void check_pareto_axes(const ParetoAxes& axes);
bool higher_is_better(const std::string& y);
// The result figures the choices name: val_loss -> best_val_loss (header Best_Val_Loss), psnr ->
// test_psnr (PSNR ↑), ...; ReportInputError naming the choices for another.
const common::ResultFigure& cost_figure(const std::string& x);
const common::ResultFigure& quality_figure(const std::string& y);

struct ParetoPoint {
  const RepeatGroup* group = nullptr;
  double x = 0, y = 0;
  std::optional<SampleStats> x_stats, y_stats;  // over the finished repeats (runtime and the quality)
  bool front = false;
};

struct ParetoResult {
  ParetoAxes axes;
  std::string x_header, y_header;   // "Params (M)", "Best_Val_Loss", ...
  std::vector<ParetoPoint> points;  // every configuration with both figures, in the sweep's order
  std::vector<size_t> front;        // indices into points, by increasing cost
  int64_t without_figure = 0;       // finished configurations lacking the quality figure (e.g. no LPIPS)
};

// The front of the sweep's finished configurations; ReportError when none has both figures.
ParetoResult pareto_result(const std::vector<RepeatGroup>& groups, const ParetoAxes& axes);

// The markdown/CSV/JSON table of the front, with the dominated count in its notes.
Table pareto_table(const orchestrator::SweepInfo& sweep, const ParetoResult& result);

// For the dashboard's scatter: {"x_label", "y_label", "points": [{"name", "x", "y", "front"}]}.
nlohmann::json pareto_json(const ParetoResult& result);

}  // namespace bokeh::reports
