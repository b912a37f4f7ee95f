// What the store keeps of a spec and its planned runs: the bridge from the spec library's types to
// the store's records, so that neither library depends on the other.
#pragma once

#include <vector>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"

namespace bokeh::orchestrator {

// The spec as written, its canonical JSON and that JSON's hash, and the --set arguments.
SweepInfo sweep_info(const Spec& spec);

// The record of a planned run or drawn trial: key, name, canonical config, cost estimate, parameter
// count, epochs and seed.
NewRun new_run(const PlannedRun& run);
std::vector<NewRun> new_runs(const RunPlan& plan);  // one per planned run

}  // namespace bokeh::orchestrator
