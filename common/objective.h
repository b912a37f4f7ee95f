// What a sweep optimises and chooses its best runs by (an objective): a per-epoch figure of the
// result-figures table (common/result_figures.h) that has a direction, by its name (val_psnr, val_loss,
// ...). ASHA ranks runs by it at a rung's epoch, TPE models it, and the reports choose Table 2's and
// Table 4's rows and `render --run best` by it at each run's best epoch. The losses are weighted sums
// with each run's own loss weights, so they compare only runs with equal weights (loss_weighted()).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/train_result.h"

namespace bokeh::common {

struct Objective {
  std::string metric = "val_loss";  // a per-epoch figure's name
  bool higher_is_better = false;
  bool operator==(const Objective&) const = default;
};

// The figures an objective may name, in the result-figures table's order; those that compare runs whatever
// their loss weights (every one but the losses).
std::vector<std::string> objective_names();
std::vector<std::string> comparable_objective_names();

// The objective named `name`; nullopt for a name that is not one.
std::optional<Objective> find_objective(const std::string& name);

// Whether it is a loss: each run's own weighted sum (train_loss, val_loss).
bool loss_weighted(const Objective& objective);

// Whether the run figure `name` is a loss: a loss-weighted per-epoch figure, or one at the best epoch
// (best_val_loss).
bool loss_weighted_figure(const std::string& name);

// The figure `name` of an epoch (train_loss, val_loss, gap, a validation figure); nullopt where the epoch
// lacks it. Throws std::invalid_argument for a name that is not a per-epoch figure.
std::optional<double> epoch_figure_value(const EpochFigures& epoch, const std::string& name);

// A value of the objective's figure as a cost, lower better: the value, negated where higher is better.
double value_cost(const Objective& objective, double value);

// The objective's value in an epoch as a cost (value_cost); +inf where the epoch lacks it or it is NaN
// (the worst).
double objective_cost(const Objective& objective, const EpochFigures& epoch);

// The value that a cost stands for (objective_cost's inverse for finite costs).
double objective_value(const Objective& objective, double cost);

// The run figure holding its value at a run's best epoch ("best_val_psnr", "best_val_loss"), or "" where
// none does (train_loss).
std::string best_epoch_figure(const Objective& objective);

}  // namespace bokeh::common
