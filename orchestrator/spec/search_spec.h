// Reading a spec's `search:` (a sampled space) and `early_stopping:` (ASHA) sections, with the same
// located errors as the rest of the spec (file, line, key path). See sweeps/README.md.
#pragma once

#include <functional>
#include <optional>

#include "orchestrator/spec/spec.h"
#include "orchestrator/spec/yaml_reader.h"

namespace bokeh::orchestrator {

// Dimensions a Sobol (or TPE, whose start-up points are Sobol's) space may have: the Sobol generator
// (orchestrator/plan/search_points.h) has direction numbers for this many (more than there are run settings).
inline constexpr size_t kSobolMaxDimensions = 20;

// Calls `leaf` for every run setting of a map of settings, nested (train: {lr: ...}) or dotted.
using SettingLeaf = std::function<void(const common::Setting&, const YamlEntry&)>;
using SettingWalker = std::function<void(const YamlEntry& map, const SettingLeaf& leaf)>;

// `search: {method, trials, seed, space, objectives, ...}`; `seed_given` tells whether `seed` was there (else the
// caller gives the spec's seed).
SearchSpace read_search(const YamlReader& reader, const YamlEntry& entry, const SettingWalker& walk, bool& seed_given);

// `early_stopping: {method: asha, metric, mode, min_epochs, reduction_factor}`.
EarlyStopping read_early_stopping(const YamlReader& reader, const YamlEntry& entry);

// An objective's `metric` (common/objective.h names them; with `with_static`, the static figures of
// search_objective_names() too) and its optional `mode` (min | max), which must be the metric's own direction.
common::Objective read_objective(const YamlReader& reader, const YamlEntry& metric,
                                 const std::optional<YamlEntry>& mode, bool with_static = false);

}  // namespace bokeh::orchestrator
