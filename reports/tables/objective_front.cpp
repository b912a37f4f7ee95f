// The multi-objective front, its hypervolume and the hypervolume against epochs (objective_front.h).
#include "reports/tables/objective_front.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "orchestrator/search/pareto.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "orchestrator/spec_format/sweep_spec.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

namespace o = orchestrator;

// Lower is better in every cost (common::value_cost: higher-is-better values negated).
std::vector<double> costs_of(const std::vector<common::Objective>& objectives, const std::vector<double>& values) {
  std::vector<double> costs;
  for (size_t i = 0; i < objectives.size(); ++i) costs.push_back(common::value_cost(objectives[i], values[i]));
  return costs;
}

// The run's value of `objective` as the table shows it: static ones from the plan (parameters in millions,
// training FLOPs in TFLOP), per-epoch ones at their best epoch.
std::optional<double> run_value(const common::Objective& objective, const RunSummary& run,
                                const std::vector<o::EpochRecord>& epochs) {
  if (objective.metric == "params") return static_cast<double>(run.params) / 1e6;
  if (objective.metric == "flops") return run.cost / 1e12;
  std::optional<double> best;  // the lowest finite cost over the epochs
  for (const o::EpochRecord& e : epochs) {
    const double cost = common::objective_cost(objective, o::epoch_figures(e));
    if (std::isfinite(cost) && (!best || cost < *best)) best = cost;
  }
  if (!best) return std::nullopt;
  return common::objective_value(objective, *best);
}

std::string metric_names(const std::vector<common::Objective>& objectives) {
  std::vector<std::string> names;
  for (const common::Objective& objective : objectives) names.push_back(objective.metric);
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string header(const common::Objective& objective) {
  if (objective.metric == "params") return "Params (M) ↓";
  if (objective.metric == "flops") return "Train cost (TFLOP, est.) ↓";
  return fmt::format("Best {} {}", objective.metric, objective.higher_is_better ? "↑" : "↓");
}

}  // namespace

bool is_multi_objective(const o::SweepInfo& sweep) {
  return o::read_stored_spec(sweep.spec_json).search_objectives.size() >= 2;
}

ObjectiveFront objective_front(const o::StoreReader& store, const o::SweepInfo& sweep,
                               const std::vector<RunSummary>& runs,
                               const std::optional<std::vector<double>>& reference) {
  ObjectiveFront f;
  const o::StoredSpec spec = o::read_stored_spec(sweep.spec_json);
  f.objectives = spec.search_objectives;
  std::map<int64_t, double> finished;  // run id -> when it finished or stopped, for the order epochs were spent
  for (const o::RunRecord& r : store.runs(sweep.name)) finished[r.id] = r.finished.value_or(0);
  for (const RunSummary& run : runs) {
    if (run.state != o::RunState::Done && run.state != o::RunState::Stopped) continue;
    const std::vector<o::EpochRecord> epochs = store.epochs(run.id);
    ObjectivePoint p;
    p.run = &run;
    p.epochs = static_cast<int64_t>(epochs.size());
    p.finished = finished[run.id];
    for (const common::Objective& objective : f.objectives) {
      if (const std::optional<double> v = run_value(objective, run, epochs)) p.values.push_back(*v);
    }
    if (p.values.size() < f.objectives.size()) {
      ++f.without_figure;
      continue;
    }
    f.points.push_back(std::move(p));
  }
  if (f.points.empty())
    throw ReportError(fmt::format("no finished or stopped run of sweep {} has every objective ({}) yet", sweep.name,
                                  metric_names(f.objectives)));
  std::vector<o::CostVector> costs;
  for (const ObjectivePoint& p : f.points) costs.push_back(costs_of(f.objectives, p.values));
  const std::vector<std::vector<size_t>> fronts = o::nondominated_fronts(costs);
  for (size_t i : fronts.front()) f.points[i].front = true;
  for (size_t i = 0; i < f.points.size(); ++i)
    if (f.points[i].front) f.front.push_back(i);
  std::stable_sort(f.front.begin(), f.front.end(), [&](size_t a, size_t b) { return costs[a][0] < costs[b][0]; });

  o::CostVector reference_cost;
  const std::optional<std::vector<double>> given = reference ? reference
                                                   : spec.reference_point.size() == f.objectives.size()
                                                       ? std::optional(spec.reference_point)
                                                       : std::nullopt;
  if (given) {
    const char* from = reference ? "--reference" : "search.reference_point";
    if (given->size() != f.objectives.size())
      throw ReportInputError(fmt::format("{} has {} values but the sweep has {} objectives ({})", from, given->size(),
                                         f.objectives.size(), metric_names(f.objectives)));
    f.reference = *given;
    f.reference_given = reference ? "given with --reference" : "the spec's search.reference_point";
    reference_cost = costs_of(f.objectives, f.reference);
    const bool any_better = std::any_of(costs.begin(), costs.end(), [&](const o::CostVector& c) {
      for (size_t i = 0; i < c.size(); ++i)
        if (!(c[i] < reference_cost[i])) return false;
      return true;
    });
    if (!any_better)
      throw ReportInputError(fmt::format(
          "{} {}: no run is better than it in every objective, so the hypervolume would be 0; take a point "
          "worse than the runs in each (the default: each objective's worst value plus a tenth of its range)",
          from, fmt::join(*given, ",")));
  } else {
    reference_cost = o::split_reference(costs);
    for (size_t i = 0; i < f.objectives.size(); ++i)
      f.reference.push_back(common::objective_value(f.objectives[i], reference_cost[i]));
  }
  f.hypervolume = o::hypervolume(costs, reference_cost);
  return f;
}

std::vector<HypervolumeStep> hypervolume_by_epochs(const ObjectiveFront& f, size_t rows) {
  std::vector<size_t> order(f.points.size());  // by when each run finished or stopped
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return f.points[a].finished < f.points[b].finished; });
  const o::CostVector reference = costs_of(f.objectives, f.reference);
  const size_t n = order.size(), step = std::max<size_t>(1, (n + rows - 1) / std::max<size_t>(rows, 1));
  std::vector<HypervolumeStep> steps;
  std::vector<o::CostVector> so_far;
  int64_t epochs = 0;
  for (size_t i = 0; i < n; ++i) {
    const ObjectivePoint& p = f.points[order[i]];
    so_far.push_back(costs_of(f.objectives, p.values));
    epochs += p.epochs;
    if ((i + 1) % step == 0 || i + 1 == n)
      steps.push_back(HypervolumeStep{epochs, static_cast<int64_t>(i + 1), o::hypervolume(so_far, reference)});
  }
  return steps;
}

Table objective_front_table(const o::SweepInfo& sweep, const ObjectiveFront& f) {
  Table t;
  std::vector<std::string> names;
  for (const common::Objective& objective : f.objectives)
    names.push_back(fmt::format("{} ({})", objective.metric, objective.higher_is_better ? "max" : "min"));
  t.title = fmt::format("Pareto front - sweep {}: its objectives {}", sweep.name, fmt::join(names, ", "));
  t.columns = {Column{"Run"}};
  for (size_t k = 0; k < f.objectives.size(); ++k) {
    std::vector<std::optional<double>> values;
    for (size_t i : f.front) values.push_back(f.points[i].values[k]);
    t.columns.push_back(Column{header(f.objectives[k]), CellStyle::Fixed, fit_decimals(values, 2, 4)});
  }
  t.columns.push_back(Column{"Epochs", CellStyle::General});
  t.columns.push_back(Column{"State", CellStyle::Text});
  for (size_t i : f.front) {
    const ObjectivePoint& p = f.points[i];
    std::vector<Cell> row{Cell{p.run->name}};
    for (size_t k = 0; k < f.objectives.size(); ++k) row.emplace_back(p.values[k]);
    row.emplace_back(static_cast<double>(p.epochs));
    row.emplace_back(std::string(p.run->state == o::RunState::Stopped ? "stopped by ASHA" : "done"));
    t.rows.push_back(std::move(row));
    t.row_runs.push_back(p.run->id);
  }
  t.notes.push_back(fmt::format(
      "{} of {} finished or stopped runs are on the front; {} dominated (another is at least as good in every "
      "objective and better in one). A per-epoch objective is the run's best value over the epochs it trained; "
      "params and flops are the planned run's.",
      f.front.size(), f.points.size(), f.points.size() - f.front.size()));
  std::vector<std::string> reference;
  for (double value : f.reference) reference.push_back(fmt::format("{:.4g}", value));
  t.notes.push_back(fmt::format(
      "Hypervolume {:.6g}: the volume of objective space the runs dominate up to the reference point ({}; {}), "
      "in the table's units (higher-is-better objectives negated).",
      f.hypervolume, fmt::join(reference, ", "),
      !f.reference_given.empty() ? f.reference_given
                                 : "by default each objective's worst value plus a tenth of its range; --reference "
                                   "or search.reference_point sets a fixed one to compare sweeps"));
  if (f.without_figure > 0)
    t.notes.push_back(
        fmt::format("{} finished or stopped runs lack an objective's figure and are left out.", f.without_figure));
  return t;
}

Table hypervolume_table(const o::SweepInfo& sweep, const ObjectiveFront& f, size_t rows) {
  Table t;
  t.title = fmt::format("Hypervolume against epochs spent - sweep {}", sweep.name);
  t.columns = {Column{"Epochs spent", CellStyle::General}, Column{"Runs", CellStyle::General},
               Column{"Hypervolume", CellStyle::Fixed, 4}, Column{"Of final", CellStyle::Fixed, 3}};
  for (const HypervolumeStep& s : hypervolume_by_epochs(f, rows)) {
    t.rows.push_back({Cell{static_cast<double>(s.epochs)}, Cell{static_cast<double>(s.runs)}, Cell{s.hypervolume},
                      Cell{f.hypervolume > 0 ? s.hypervolume / f.hypervolume : 0.0}});
  }
  t.notes.push_back(
      "Runs counted in the order they finished or stopped (their last finish), each with every epoch it trained; "
      "the hypervolume of the runs counted so far against the front's reference point.");
  return t;
}

nlohmann::json objective_front_json(const ObjectiveFront& f) {
  const bool three = f.objectives.size() > 2;
  nlohmann::json points = nlohmann::json::array();
  for (const ObjectivePoint& p : f.points) {
    nlohmann::json point = {
        {"name", p.run->name}, {"x", p.values[1]}, {"y", p.values[0]}, {"n", 1}, {"front", p.front}};
    if (three) point["c"] = p.values[2];
    points.push_back(std::move(point));
  }
  nlohmann::json out = {{"x_label", header(f.objectives[1])},
                        {"y_label", header(f.objectives[0])},
                        {"points", points},
                        {"hypervolume", f.hypervolume}};
  if (three) out["c_label"] = header(f.objectives[2]);
  return out;
}

}  // namespace bokeh::reports
