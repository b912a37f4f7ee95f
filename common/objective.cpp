// Objectives by name: the per-epoch figures of the result-figures table with a direction (objective.h).
#include "common/objective.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "common/result_figures.h"

namespace bokeh::common {
namespace {

std::vector<std::string> names_where(bool comparable_only) {
  std::vector<std::string> out;
  for (const ResultFigure& f : result_figure_table()) {
    if (f.objective == ObjectiveUse::Comparable || (!comparable_only && f.objective == ObjectiveUse::LossWeighted))
      out.push_back(f.name);
  }
  return out;
}

}  // namespace

std::vector<std::string> objective_names() { return names_where(false); }

std::vector<std::string> comparable_objective_names() { return names_where(true); }

std::optional<Objective> find_objective(const std::string& name) {
  const ResultFigure* f = find_result_figure(name);
  if (!f || f->objective == ObjectiveUse::None) return std::nullopt;
  return Objective{f->name, f->better == Better::Higher};
}

bool loss_weighted(const Objective& objective) {
  const ResultFigure* f = find_result_figure(objective.metric);
  return f && f->objective == ObjectiveUse::LossWeighted;
}

bool loss_weighted_figure(const std::string& name) {
  const std::string per_epoch = name.rfind("best_", 0) == 0 ? name.substr(5) : name;
  const ResultFigure* f = find_result_figure(per_epoch);
  return f && f->objective == ObjectiveUse::LossWeighted;
}

std::optional<double> epoch_figure_value(const EpochFigures& epoch, const std::string& name) {
  if (name == "train_loss") return epoch.train_loss;
  if (name == "val_loss") return epoch.val_loss;
  if (name == "gap") return epoch.gap;
  for (const auto& [figure, field] : kValidationFigures) {
    if (name == figure) return epoch.*field;
  }
  throw std::invalid_argument("no per-epoch figure named \"" + name + "\"");
}

double objective_cost(const Objective& objective, const EpochFigures& epoch) {
  const std::optional<double> value = epoch_figure_value(epoch, objective.metric);
  if (!value || std::isnan(*value)) return std::numeric_limits<double>::infinity();
  return value_cost(objective, *value);
}

double value_cost(const Objective& objective, double value) { return objective.higher_is_better ? -value : value; }

double objective_value(const Objective& objective, double cost) { return objective.higher_is_better ? -cost : cost; }

std::string best_epoch_figure(const Objective& objective) {
  const std::string name = "best_" + objective.metric;
  return find_result_figure(name) ? name : "";
}

}  // namespace bokeh::common
