// `report --export optuna FILE`: a sweep as an Optuna JournalStorage log (JSON lines), for Optuna 5.x
// (its optuna/storages/journal/_storage.py: op codes CREATE_STUDY = 0 and CREATE_TRIAL = 4, the trial
// whole in one CREATE_TRIAL, as Study.add_trial writes it; the tests read it with optuna==5.1.0). The
// study is named after the sweep, with the objectives' directions (export_objective.h); each run, in
// the order the sweep added them, a trial: its varied settings as params with their distributions
// (FloatDistribution or IntDistribution for a sampled range, CategoricalDistribution for a choice or a
// setting the grid or runs vary), the objective per epoch as intermediate values (step = epoch), its
// state (done: COMPLETE with the objective's best epoch as its value; stopped by ASHA: PRUNED with its
// last epoch's, as Optuna gives a pruned trial; failed: FAIL; running: RUNNING; pending: WAITING) and
// its run name and key as user attributes. With several objectives a trial has `values` and no
// intermediate values (Optuna keeps those for single-objective studies only).
#pragma once

#include <string>

#include "store/store_reader.h"

namespace bokeh::reports {

// The journal's text, one JSON object a line.
std::string optuna_journal(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep);

}  // namespace bokeh::reports
