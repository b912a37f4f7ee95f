// Static objectives from the run, per-epoch ones from the epoch (objective_costs.h).
#include "orchestrator/search/objective_costs.h"

#include <cmath>
#include <limits>

namespace bokeh::orchestrator {

std::vector<double> objective_costs(const std::vector<common::Objective>& objectives, const common::EpochFigures& epoch,
                                    const StaticFigures& figures) {
  std::vector<double> costs;
  for (const common::Objective& objective : objectives) {
    double cost = objective.metric == "params"  ? static_cast<double>(figures.params)
                  : objective.metric == "flops" ? figures.flops
                                                : common::objective_cost(objective, epoch);
    if (std::isnan(cost)) cost = std::numeric_limits<double>::infinity();
    costs.push_back(cost);
  }
  return costs;
}

}  // namespace bokeh::orchestrator
