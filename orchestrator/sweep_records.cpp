// Spec and planned runs as store records.
#include "orchestrator/sweep_records.h"

#include <nlohmann/json.hpp>

namespace bokeh::orchestrator {

SweepInfo sweep_info(const Spec& spec) {
  const nlohmann::json canonical = canonical_spec(spec);
  return SweepInfo{
      spec.name, spec.text, config_key(canonical), canonical.dump(), nlohmann::json(spec.overrides).dump(), 0, "", ""};
}

std::vector<NewRun> new_runs(const RunPlan& plan) {
  std::vector<NewRun> out;
  for (const PlannedRun& r : plan.runs) out.push_back(NewRun{r.key, r.name, r.config.dump(), r.cost_flops, r.params});
  return out;
}

}  // namespace bokeh::orchestrator
