// `sweep --dry-run`: the expanded runs of a spec as a table (name, key, shape, optimiser, loss
// weights, parameters, estimated cost) with a total and the duplicates, without touching the store.
#pragma once

#include <ostream>

#include "orchestrator/spec/run_plan.h"
#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

void print_dry_run(std::ostream& out, const Spec& spec, const RunPlan& plan);

}  // namespace bokeh::orchestrator
