// The Pareto front of quality against cost, its table and its dashboard data.
#include "reports/tables/pareto.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

// The cost of a configuration: its size and cost estimate as they are, a result figure (runtime) as the
// mean over its finished repeats, with their stats.
std::optional<double> cost(const RepeatGroup& g, const common::ResultFigure& x, std::optional<SampleStats>& stats) {
  if (x.name == "params_m") return g.mean.params > 0 ? std::optional<double>(g.mean.params / 1e6) : std::nullopt;
  if (x.name == "train_tflop") return g.mean.cost > 0 ? std::optional<double>(g.mean.cost / 1e12) : std::nullopt;
  const auto it = g.figures.find(x.name);
  if (it == g.figures.end()) return std::nullopt;
  stats = it->second;
  return it->second.mean;
}

// Inference times compare only when measured alike: the runs on the front's axis must share a device
// (and thread count); ReportError naming them otherwise.
void check_one_inference_device(const std::vector<ParetoPoint>& points) {
  std::set<std::string> devices;
  for (const ParetoPoint& p : points)
    for (const RunSummary* run : p.group->members)
      if (!run->inference_device.empty()) devices.insert(run->inference_device);
  if (devices.size() > 1)
    throw ReportError(
        fmt::format("the runs' inference times were measured on different devices ({}), so they do "
                    "not compare on one axis; --x params or flops compares their cost instead",
                    fmt::join(devices, "; ")));
}

}  // namespace

const common::ResultFigure& cost_figure(const std::string& x) {
  if (const common::ResultFigure* figure = common::axis_figure(common::AxisRole::Cost, x)) return *figure;
  throw ReportInputError(
      fmt::format("--x {}: no such cost figure ({})", x, common::axis_choices_text(common::AxisRole::Cost)));
}

const common::ResultFigure& quality_figure(const std::string& y) {
  if (const common::ResultFigure* figure = common::axis_figure(common::AxisRole::Quality, y)) return *figure;
  throw ReportInputError(
      fmt::format("--y {}: no such quality figure ({})", y, common::axis_choices_text(common::AxisRole::Quality)));
}

void check_pareto_axes(const ParetoAxes& axes) {
  cost_figure(axes.x);
  quality_figure(axes.y);
}

bool higher_is_better(const std::string& y) { return quality_figure(y).better == common::Better::Higher; }

ParetoResult pareto_result(const std::vector<RepeatGroup>& groups, const ParetoAxes& axes) {
  check_pareto_axes(axes);
  ParetoResult result;
  result.axes = axes;
  const common::ResultFigure& x_figure = cost_figure(axes.x);
  const common::ResultFigure& y_figure = quality_figure(axes.y);
  check_comparable(member_runs(groups), y_figure.name, "--pareto --y " + axes.y);
  result.x_header = x_figure.header;
  result.y_header = common::compared_header(y_figure);
  for (const RepeatGroup& g : groups) {
    if (g.finished == 0) continue;
    const auto q = g.figures.find(y_figure.name);
    ParetoPoint p;
    p.group = &g;
    const std::optional<double> x = cost(g, x_figure, p.x_stats);
    if (q == g.figures.end() || !x) {
      ++result.without_figure;
      continue;
    }
    p.x = *x;
    p.y = q->second.mean;
    p.y_stats = q->second;
    result.points.push_back(p);
  }
  if (x_figure.name == "inference_seconds") check_one_inference_device(result.points);
  if (result.points.empty() && x_figure.name == "inference_seconds")
    throw ReportError(
        "no finished run measured its inference time: set metrics.inference_repeats (e.g. 3) in "
        "the spec to time the best weights on a 1024x1536 photo after each run's test");
  if (result.points.empty())
    throw ReportError(
        fmt::format("no finished configuration has both {} and {} yet", result.x_header, result.y_header));
  std::vector<std::pair<double, double>> xy;
  for (const ParetoPoint& p : result.points) xy.emplace_back(p.x, p.y);
  result.front = pareto_front(xy, higher_is_better(axes.y));
  for (size_t i : result.front) result.points[i].front = true;
  return result;
}

Table pareto_table(const orchestrator::SweepInfo& sweep, const ParetoResult& result) {
  Table t;
  t.title = fmt::format("Pareto front - sweep {}: {} against {}", sweep.name, result.y_header, result.x_header);
  std::vector<std::optional<double>> xs, ys;
  for (size_t i : result.front) xs.push_back(result.points[i].x), ys.push_back(result.points[i].y);
  t.columns = {Column{"Run"}, Column{result.x_header, CellStyle::Fixed, fit_decimals(xs, 2, 4)},
               Column{result.y_header, CellStyle::Fixed,
                      fit_decimals(ys, quality_figure(result.axes.y).format.compared_decimals, 6)},
               Column{"n", CellStyle::General}};
  bool repeated = false;
  for (const ParetoPoint& p : result.points) repeated = repeated || p.group->planned() > 1;
  t.columns[1].spread = t.columns[2].spread = repeated;
  for (size_t i : result.front) {
    const ParetoPoint& p = result.points[i];
    t.rows.push_back({Cell{p.group->mean.name}, Cell{p.x}, Cell{p.y}, Cell{static_cast<double>(p.y_stats->n)}});
    t.row_runs.push_back(p.group->mean.id);
    std::vector<std::optional<Spread>> spreads(t.columns.size());
    if (p.x_stats) spreads[1] = Spread{p.x_stats->std, p.x_stats->n};
    spreads[2] = Spread{p.y_stats->std, p.y_stats->n};
    if (repeated) t.spreads.push_back(std::move(spreads));
  }
  const size_t dominated = result.points.size() - result.front.size();
  t.notes.push_back(
      fmt::format("{} of {} finished configurations are on the front; {} dominated (another is at least "
                  "as good in both figures and better in one: lower {}, {} {}).",
                  result.front.size(), result.points.size(), dominated, result.x_header,
                  higher_is_better(result.axes.y) ? "higher" : "lower", result.y_header));
  if (result.without_figure > 0)
    t.notes.push_back(fmt::format("{} finished configurations lack {} or {} and are left out.", result.without_figure,
                                  result.x_header, result.y_header));
  if (repeated)
    t.notes.push_back(
        "With repeats: each configuration's figures are the means over its n finished repeats "
        "(± the sample standard deviation); the front is of the means.");
  if (result.axes.x == "flops")
    t.notes.push_back(
        "Train cost: the cost model's estimate of a run's training FLOPs (forward and backward, every "
        "epoch and pair), as sweep --dry-run prints it.");
  return t;
}

nlohmann::json pareto_json(const ParetoResult& result) {
  nlohmann::json points = nlohmann::json::array();
  for (const ParetoPoint& p : result.points)
    points.push_back({{"name", p.group->mean.name}, {"x", p.x}, {"y", p.y}, {"n", p.y_stats->n}, {"front", p.front}});
  return {{"x_label", result.x_header}, {"y_label", result.y_header}, {"points", points}};
}

}  // namespace bokeh::reports
