// The search's calls in the order the bookkeeping makes them, each result and decision forwarded to
// the trial history.
#include "orchestrator/search/trial_search.h"

#include "orchestrator/search/make_search.h"

namespace bokeh::orchestrator {

TrialSearch::TrialSearch(Store& store, const Spec& spec)
    : store_(store),
      sweep_(spec.name),
      rule_(make_stopping_rule(store, spec.name, spec.early_stopping)),
      sampler_(make_sampler(spec.search)),
      history_(rule_.get(), search_objectives(spec)) {}

void TrialSearch::load() {
  if (rule_) rule_->load();
  if (sampler_) {
    sampler_->restore(store_.trials(sweep_));
    history_.load(store_, sweep_);
  }
}

void TrialSearch::add_trial(const RunRecord& run, const TrialDraw& draw) {
  sampler_->count_trial();
  history_.add(run.id, draw.unit, run.epochs, StaticFigures{run.params, run.cost});
  if (rule_) rule_->add_run(run);
}

int64_t TrialSearch::target_epoch(const RunRecord& run) const { return rule_ ? rule_->target_epoch(run) : run.epochs; }

int64_t TrialSearch::start_epoch(const RunRecord& run) const {
  return rule_ && run.rung > 0 ? rule_->rung_epoch(run.rung - 1) : 0;
}

std::vector<StopDecision> TrialSearch::on_result(const RunRecord& run, const std::vector<common::EpochFigures>& history,
                                                 int64_t until, const std::string& results_json) {
  history_.reached(run.id, history, until);
  if (until < run.epochs) return forward(rule_->on_rung_reached(run, history, results_json));
  history_.finished(run.id);
  return {};
}

void TrialSearch::on_given_up(int64_t run_id) { history_.finished(run_id); }

std::vector<StopDecision> TrialSearch::promote_due() {
  return rule_ ? forward(rule_->promote_due()) : std::vector<StopDecision>{};
}

std::vector<StopDecision> TrialSearch::promote_when_drained() {
  return rule_ ? forward(rule_->promote_when_drained()) : std::vector<StopDecision>{};
}

std::vector<StopDecision> TrialSearch::forward(std::vector<StopDecision> decisions) {
  for (const StopDecision& d : decisions) history_.stopped(d.run_id, !d.goes_on);
  return decisions;
}

}  // namespace bokeh::orchestrator
