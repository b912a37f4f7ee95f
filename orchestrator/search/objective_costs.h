// A run's costs (lower better) for the search's objectives at one epoch: the per-epoch figures'
// (common::objective_cost) beside the static ones known before it trained (sweep_spec.h: params,
// flops). What the trial history keeps per level and MO-ASHA ranks a rung by.
#pragma once

#include <cstdint>
#include <vector>

#include "common/objective.h"
#include "common/train_result.h"

namespace bokeh::orchestrator {

// A run's figures known before it trains (RunRecord::params and its FLOPs estimate RunRecord::cost).
struct StaticFigures {
  int64_t params = 0;
  double flops = 0;
};

// One cost per objective; +inf where the epoch lacks the figure or it is NaN.
std::vector<double> objective_costs(const std::vector<common::Objective>& objectives, const common::EpochFigures& epoch,
                                    const StaticFigures& figures);

}  // namespace bokeh::orchestrator
