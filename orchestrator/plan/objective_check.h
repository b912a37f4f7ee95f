// The objectives' checks across a planned sweep: a loss (val_loss, train_loss: each run's own weighted
// sum) compares only runs with the same loss weights, so a sweep whose runs differ in a loss weight (its
// runs, grid or search space) may not search, stop early or choose its tables' best runs by one; and
// val_lpips needs the LPIPS weights. See sweeps/README.md, "Objectives".
#pragma once

#include <string>
#include <vector>

#include "orchestrator/plan/run_plan.h"

namespace bokeh::orchestrator {

// The loss weights (loss.*) that differ between the planned runs or that the search samples, sorted.
std::vector<std::string> varying_loss_weights(const Spec& spec, const RunPlan& plan);

// Throws SpecError at the objective that compares the incomparable (or at `tables`, when Tables 2 or 4
// choose their rows by the default val_loss), naming the varying weights and the comparable figures; or at
// a val_lpips objective without metrics.lpips_weights.
void check_objectives(const Spec& spec, const RunPlan& plan);

}  // namespace bokeh::orchestrator
