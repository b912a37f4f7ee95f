// Expansion of a validated spec into the runs of a sweep: each explicit run, grid point and sampled trial on
// top of `base` (and --set), as canonical config JSON keyed by a stable hash, with names, duplicates
// removed and reported, seeds, parameter counts and cost estimates. See sweeps/README.md.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/run_identity.h"
#include "common/run_settings.h"
#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

struct PlannedRun {
  std::string name;
  std::string key;        // config_key(config)
  nlohmann::json config;  // canonical: every run setting, nested, sorted keys; plus "repeat" for repeats 2..K
  SourceLocation where;   // the run entry or grid the run comes from
  uint64_t seed = 0;      // config_seed(spec seed, config)
  int64_t epochs = 0;     // its train.epochs
  int64_t params = 0;     // U-Net parameters
  double cost_flops = 0;  // training_flops(): the scheduling cost
  int64_t trial = 0;      // 1-based index of a sampled trial (`search:`); 0 for explicit runs and grid points
  int64_t repeat = 0;     // 0-based repeat of its configuration (`repeats: K`): 0..K-1
  int64_t repeats = 1;    // K
  std::string group;      // the key of its configuration's first repeat (its own key for repeat 0)
};

// Repeats (`repeats: K`): repeat 0 of a configuration is the run itself (config, key and name as without
// repeats); repeat r = 1..K-1 adds the top-level "repeat": r to its config (so its key differs), is
// named NAME-rR+1, and trains with the seed of repeat 0 plus r. The data split is the same for all.

// A run listed again (same canonical config): it runs once, under the first name.
struct DuplicateRun {
  std::string name;
  SourceLocation where;
  std::string same_as;
};

struct RunPlan {
  std::vector<PlannedRun> runs;  // explicit runs in spec order, grid points (first axis outermost)
  std::vector<DuplicateRun> duplicates;
  // The first sampled trials (at most kPreviewTrials; for tpe its startup trials only), checked and
  // costed for the dry run. The sweep draws its trials itself, lazily (orchestrator/search/sampler.h).
  std::vector<PlannedRun> trials;
};

// How many sampled trials a plan (and so a dry run) lists.
inline constexpr int64_t kPreviewTrials = 20;

// Throws SpecError for settings that are valid alone but not together (all loss weights 0, LPIPS
// without its weights file, a depth or pyramid too deep for the resolution, one name for two runs).
RunPlan plan_runs(const Spec& spec);

// Sampled trial `trial` (1-based) with one value per search dimension: base, the values, --set, checked
// (SpecError as plan_runs). Named trial-01.. (as many digits as search.trials has).
PlannedRun plan_trial(const Spec& spec, int64_t trial, const std::vector<nlohmann::json>& values);

// The first min(search.trials, kPreviewTrials) trials as random or Sobol (for tpe: its startup) draw them.
std::vector<PlannedRun> preview_trials(const Spec& spec);

// A run's key and seed from its config (common/run_identity.h: the store's migration needs them too).
using common::config_key;
using common::config_seed;
using common::run_seed;

}  // namespace bokeh::orchestrator
