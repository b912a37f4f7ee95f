// What the store keeps of a spec and its planned runs: the bridge from the spec library's types to
// the store's records, so that neither library depends on the other.
#pragma once

#include <vector>

#include "orchestrator/spec/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/store/store.h"

namespace bokeh::orchestrator {

// The spec as written, its canonical JSON and that JSON's hash, and the --set arguments.
SweepInfo sweep_info(const Spec& spec);

// One record per planned run: key, name, canonical config, cost estimate and parameter count.
std::vector<NewRun> new_runs(const RunPlan& plan);

}  // namespace bokeh::orchestrator
