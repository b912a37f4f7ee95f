// `sweep --dry-run`: the expanded runs of a spec as a table (name, key, shape, optimiser, loss
// weights, precision, parameters, estimated cost) with a total and the duplicates, and where the
// workers train (how a node's worker ranks map to its GPUs), without touching the store.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

// `gpus`: the GPUs this node's libtorch sees (0 without CUDA).
void print_dry_run(std::ostream& out, const Spec& spec, const RunPlan& plan, int gpus);

// `sweep --dry-run --format json`: the plan as one document for scripts: {"sweep", "file", "seed", "data":
// {"source", "height", "width", "train_pairs", "val_pairs", "test_pairs"}, "runs": [one object per run (with
// repeats, every repeat), then the previewed sampled trials: {"name", "key", "arch", "config" (the canonical
// run config), "params" (exact), "params_by_part": [{"part", "params"}] (the arch's parts, e.g. PyNET's
// levels), "forward_flops" (one image at the data's size), "train_flops" (the cost model's estimate of the
// whole run), "epochs", "seed", "trial" (0: not sampled), "repeat", "repeats"}], "train_flops" (their sum),
// "duplicates": [{"name", "same_as"}]}.
nlohmann::json dry_run_json(const Spec& spec, const RunPlan& plan);

}  // namespace bokeh::orchestrator
