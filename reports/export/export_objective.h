// What the Optuna export calls a trial's objective: a per-epoch figure, by its name in
// common/result_figures.h, and which direction is better. One place decides it (export_objectives), so
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
  std::string figure;                             // a per-epoch figure: "val_loss", "val_psnr", ...
  common::Better better = common::Better::Lower;  // Lower or Higher
};

// The sweep's objectives: its search's objective (search.metric, else early_stopping.metric, else
// val_loss; common/objective.h), with its direction.
std::vector<ExportObjective> export_objectives(const orchestrator::StoredSpec& spec);

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
