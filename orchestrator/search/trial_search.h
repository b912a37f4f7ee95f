// A sweep's search, behind the two interfaces: the sampler that proposes trials (sampler.h) and the
// stopping rule that judges runs at its levels (stopping_rule.h), with the one trial history both
// read. Every result and every decision goes through here, which keeps the history in step with the
// rule: SweepBook (sweep_book.h) books the runs and calls this; it never feeds the history itself.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/train_result.h"
#include "orchestrator/search/sampler.h"
#include "orchestrator/search/stopping_rule.h"
#include "orchestrator/search/trial_history.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"

namespace bokeh::orchestrator {

class TrialSearch {
 public:
  TrialSearch(Store& store, const Spec& spec);

  const Sampler* sampler() const { return sampler_.get(); }          // null without search:
  const StoppingRule* stopping_rule() const { return rule_.get(); }  // null without early_stopping:

  // (Re)reads the rule's state, the sampler's counters and the history from the store.
  void load();

  // The next trial from the history so far (Sampler::next_trial: `add` stores each draw and says whether
  // it became a run); the draw that became a run, if any.
  std::optional<TrialDraw> draw(const std::function<bool(const TrialDraw&)>& add) {
    return sampler_->next_trial(history_, add);
  }
  // Draw `draw` became run `run` (stored pending): a trial the sampler counts.
  void add_trial(const RunRecord& run, const TrialDraw& draw);

  // Where `run`'s next assignment stops (its train.epochs without a rule), and where it starts from.
  int64_t target_epoch(const RunRecord& run) const;
  int64_t start_epoch(const RunRecord& run) const;

  // `run` reported `history` up to epoch `until` with `results_json` (all just stored): below its
  // train.epochs the rule judges it there, on `history`; at them it is done. Returns the rule's decisions.
  std::vector<StopDecision> on_result(const RunRecord& run, const std::vector<common::EpochFigures>& history,
                                      int64_t until, const std::string& results_json);
  void on_given_up(int64_t run_id);  // failed for good: it reaches no further level

  // The rule's promotions still due, and those of a drained sweep (none without a rule).
  std::vector<StopDecision> promote_due();
  std::vector<StopDecision> promote_when_drained();

 private:
  std::vector<StopDecision> forward(std::vector<StopDecision> decisions);  // into the history

  Store& store_;
  std::string sweep_;
  std::unique_ptr<StoppingRule> rule_;
  std::unique_ptr<Sampler> sampler_;
  TrialHistory history_;  // the sampled trials' results (reads rule_'s levels)
};

}  // namespace bokeh::orchestrator
