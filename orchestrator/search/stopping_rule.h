// The stopping-rule interface: a rule that judges runs at budget levels below their last epoch (ASHA's
// rungs, asha_rule.h) and stops or promotes them through the store, each decision with its event. Its
// state derives from the store alone (runs.rung, runs.state, the epochs table): load() reads it, the
// decisions keep it up to date. TrialSearch (trial_search.h) calls it and forwards its decisions to the
// trial history; make_search.h builds the one the spec names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/train_result.h"
#include "store/store.h"

namespace bokeh::orchestrator {

struct StopDecision {
  int64_t run_id = 0;
  std::string run_name;
  int64_t rung = 0;          // the level it was judged at
  bool goes_on = false;      // true: pending towards rung + 1; false: stopped at rung
  bool was_stopped = false;  // a promotion of a run stopped earlier
  std::string why;           // the event's text
};

class StoppingRule {
 public:
  virtual ~StoppingRule() = default;

  // (Re)builds the rule's state from the store.
  virtual void load() = 0;
  // A run added to the sweep after load() (a sampled trial, drawn now).
  virtual void add_run(const RunRecord& run) = 0;

  // The epochs below `max_epochs` at which a run of that many epochs is judged, ascending. Rung k
  // (runs.rung) is the k-th of them; a run past them all trains to max_epochs.
  virtual std::vector<int64_t> levels_below(int64_t max_epochs) const = 0;
  // The epoch of rung `rung`.
  virtual int64_t rung_epoch(int64_t rung) const = 0;
  // The epoch a run trains to on its next assignment: its rung's epoch, or its train.epochs (run.epochs)
  // past them.
  virtual int64_t target_epoch(const RunRecord& run) const = 0;

  // `run` (running) has recorded `history`, its epochs up to target_epoch(run) < run.epochs (as
  // reported, and just stored), with `results_json` its results so far: it goes on or is stopped, and
  // runs stopped earlier may be promoted. Returns the decisions in the order they were taken.
  virtual std::vector<StopDecision> on_rung_reached(const RunRecord& run,
                                                    const std::vector<common::EpochFigures>& history,
                                                    const std::string& results_json) = 0;
  // Promotions still due (after a restart, what a kill between a record and its promotions left undone).
  virtual std::vector<StopDecision> promote_due() = 0;
  // With no run pending or running: promotions that let a drained sweep go on (or none).
  virtual std::vector<StopDecision> promote_when_drained() = 0;
};

}  // namespace bokeh::orchestrator
