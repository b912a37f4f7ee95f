// What the Optuna export calls a trial's objectives: per-epoch figures, by their names in
// common/result_figures.h, or the static figures a multi-objective search may name (params, flops: the
// planned run's), each with the direction that is better. One place decides them (export_objectives), so
// that where a sweep's objectives come from can change in one function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result_figures.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "store/store_records.h"

namespace bokeh::reports {

struct ExportObjective {
  std::string figure;                             // a per-epoch figure: "val_loss", "val_psnr", ...; or "params"
  common::Better better = common::Better::Lower;  // Lower or Higher
  bool fixed = false;                             // known before training: the run's own (params, flops)
};

// The sweep's objectives: its search.objectives (several), else its search's one objective (search.metric,
// else early_stopping.metric, else val_loss; common/objective.h), each with its direction.
std::vector<ExportObjective> export_objectives(const orchestrator::StoredSpec& spec);

// A fixed objective's value for the run: its parameter count, or its estimated training FLOPs.
double fixed_value(const ExportObjective& objective, const orchestrator::RunRecord& run);

// The objective's value at `epoch`; nullopt where the epoch lacks the figure or it is not finite.
std::optional<double> objective_at(const ExportObjective& objective, const orchestrator::EpochRecord& epoch);

// The best of its values over `epochs` in its direction (the run's result, as the sweep ranks by its
// best epoch); nullopt when no epoch has it.
std::optional<double> objective_best(const ExportObjective& objective,
                                     const std::vector<orchestrator::EpochRecord>& epochs);

// Its value at the last epoch that has it (where a run stopped); nullopt when no epoch has it.
std::optional<double> objective_last(const ExportObjective& objective,
                                     const std::vector<orchestrator::EpochRecord>& epochs);

}  // namespace bokeh::reports
