// `sweep --dry-run`: the expanded runs of a spec as a table (name, key, shape, optimiser, loss
// weights, precision, parameters, estimated cost) with a total and the duplicates, and where the
// workers train (how a node's worker ranks map to its GPUs), without touching the store.
#pragma once

#include <ostream>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

// `gpus`: the GPUs this node's libtorch sees (0 without CUDA).
void print_dry_run(std::ostream& out, const Spec& spec, const RunPlan& plan, int gpus);

}  // namespace bokeh::orchestrator
