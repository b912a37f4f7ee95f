// What the sampled trials of a sweep have shown so far, kept in memory for the samplers: each trial's
// unit point and its objectives' costs at each budget level it has reached (a stopping rule's level, or its
// last epoch), and whether it can still reach more (in flight or pending) or not (stopped, failed,
// done). Built from the store once when the sweep opens, then updated as reports arrive (by
// TrialSearch, trial_search.h, the one place that forwards results), so a proposal never reads the store. See
// sweeps/README.md, "search.method: tpe".
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/objective.h"
#include "common/train_result.h"
#include "orchestrator/search/objective_costs.h"
#include "orchestrator/search/stopping_rule.h"
#include "orchestrator/search/tpe_kernels.h"
#include "orchestrator/spec_format/search_names.h"
#include "store/store.h"

namespace bokeh::orchestrator {

// The observations at one budget level, with the pending trials as liars (TpeObservation::value +inf).
struct LevelObservations {
  int64_t epoch = 0;                         // the level's epoch; 0 when no level has enough results (then: startup)
  int64_t observed = 0;                      // trials with a result there
  int64_t pending = 0;                       // trials that may still reach it
  std::vector<TpeObservation> observations;  // in trial order; value: the first objective's cost
  std::vector<std::vector<double>> costs;    // each observation's cost per objective (a liar: +inf in each)
};

class TrialHistory {
 public:
  // `objectives` are what the trials are compared by (kept as costs, lower better; a static one of
  // sweep_spec.h from the run); `rule` the stopping rule whose levels the trials are judged at (null: none,
  // only the last epoch). The rule, when there is one, outlives the history. The rule comes first here so
  // that `TrialHistory({}, rule)` stays the one default objective's history.
  TrialHistory(const StoppingRule* rule, std::vector<common::Objective> objectives);
  TrialHistory(common::Objective objective, const StoppingRule* rule);

  // Rebuilds it from the store: every trial with a run, its unit point (TrialRecord::state_json) and its
  // metric at each level its run has been judged at (its epochs rows).
  void load(const Store& store, const std::string& sweep);

  // A trial drawn now (pending) with the run's train.epochs and its static figures.
  void add(int64_t run_id, std::vector<double> unit, int64_t max_epochs, StaticFigures figures = {});

  // Run `run_id` reported `history` up to epoch `until` (a rung, or its last epoch).
  void reached(int64_t run_id, const std::vector<common::EpochFigures>& history, int64_t until);
  void stopped(int64_t run_id, bool is_stopped);  // ASHA stopped it at a rung (true) or promoted it (false)
  void finished(int64_t run_id);                  // failed for good, or done: it reaches no further level

  // The highest level with at least `min_results` results, and its observations plus liars; epoch 0
  // and no observations when none has that many.
  LevelObservations at_best_level(int64_t min_results) const;

  // Whether some sampled trial's unit point passes `test` (TPE's check for a config the sweep has).
  bool any_unit(const std::function<bool(const std::vector<double>& unit)>& test) const;

 private:
  struct Trial {
    std::vector<double> unit;
    int64_t max_epochs = 0;
    StaticFigures figures;
    std::map<int64_t, std::vector<double>> cost;  // the objectives' (lower better), by level epoch
    bool stopped = false, finished = false;
    int64_t order = 0;  // draw order
  };
  std::vector<int64_t> levels(int64_t max_epochs) const;  // the rule's levels below max_epochs, then max_epochs
  void record(Trial& t, const common::EpochFigures& epoch);

  std::vector<common::Objective> objectives_;
  const StoppingRule* rule_;
  std::unordered_map<int64_t, Trial> trials_;  // by run id
  std::vector<int64_t> by_order_;              // run ids in draw order
  std::map<int64_t, int64_t> results_at_;      // level epoch -> how many trials have a result there
};

}  // namespace bokeh::orchestrator
