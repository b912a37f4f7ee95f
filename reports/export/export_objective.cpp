// The objective's name and direction, and its per-epoch and best values.
#include "reports/export/export_objective.h"

#include <cmath>

#include "orchestrator/spec_format/search_names.h"
#include "orchestrator/spec_format/sweep_spec.h"
#include "reports/tables/epoch_figures.h"

namespace bokeh::reports {

std::vector<ExportObjective> export_objectives(const orchestrator::StoredSpec& spec) {
  const std::vector<common::Objective> searched =
      spec.search_objectives.empty() ? std::vector<common::Objective>{spec.search_objective} : spec.search_objectives;
  std::vector<ExportObjective> objectives;
  for (const common::Objective& objective : searched)
    objectives.push_back(ExportObjective{objective.metric,
                                         objective.higher_is_better ? common::Better::Higher : common::Better::Lower,
                                         orchestrator::is_static_objective(objective)});
  return objectives;
}

double fixed_value(const ExportObjective& objective, const orchestrator::RunRecord& run) {
  return objective.figure == "params" ? static_cast<double>(run.params) : run.cost;
}

std::optional<double> objective_at(const ExportObjective& objective, const orchestrator::EpochRecord& epoch) {
  const std::optional<double> value = epoch_figure(epoch, objective.figure);
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return value;
}

std::optional<double> objective_best(const ExportObjective& objective,
                                     const std::vector<orchestrator::EpochRecord>& epochs) {
  std::optional<double> best;
  for (const orchestrator::EpochRecord& epoch : epochs) {
    const std::optional<double> value = objective_at(objective, epoch);
    if (!value) continue;
    const bool higher = objective.better == common::Better::Higher;
    if (!best || (higher ? *value > *best : *value < *best)) best = value;
  }
  return best;
}

std::optional<double> objective_last(const ExportObjective& objective,
                                     const std::vector<orchestrator::EpochRecord>& epochs) {
  for (auto epoch = epochs.rbegin(); epoch != epochs.rend(); ++epoch) {
    if (const std::optional<double> value = objective_at(objective, *epoch)) return value;
  }
  return std::nullopt;
}

}  // namespace bokeh::reports
