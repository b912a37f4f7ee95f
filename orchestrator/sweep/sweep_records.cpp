// Spec and planned runs as store records.
#include "orchestrator/sweep/sweep_records.h"

#include <nlohmann/json.hpp>

#include "orchestrator/spec_format/canonical_spec.h"

namespace bokeh::orchestrator {

SweepInfo sweep_info(const Spec& spec) {
  const nlohmann::json canonical = canonical_spec(spec);
  return SweepInfo{
      spec.name, spec.text, config_key(canonical), canonical.dump(), nlohmann::json(spec.overrides).dump(), 0, "", ""};
}

NewRun new_run(const PlannedRun& run) {
  return NewRun{run.key, run.name, run.config.dump(), run.cost_flops, run.params, run.epochs, run.seed};
}

std::vector<NewRun> new_runs(const RunPlan& plan) {
  std::vector<NewRun> out;
  for (const PlannedRun& r : plan.runs) out.push_back(new_run(r));
  return out;
}

}  // namespace bokeh::orchestrator
