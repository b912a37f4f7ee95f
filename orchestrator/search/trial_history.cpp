// The sampled trials' results by budget level, for the samplers: loaded from the store once, then
// kept up to date by TrialSearch.
#include "orchestrator/search/trial_history.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace bokeh::orchestrator {

TrialHistory::TrialHistory(const StoppingRule* rule, std::vector<common::Objective> objectives)
    : objectives_(std::move(objectives)), rule_(rule) {}

TrialHistory::TrialHistory(common::Objective objective, const StoppingRule* rule)
    : TrialHistory(rule, std::vector<common::Objective>{std::move(objective)}) {}

std::vector<int64_t> TrialHistory::levels(int64_t max_epochs) const {
  std::vector<int64_t> out;
  if (rule_) out = rule_->levels_below(max_epochs);
  out.push_back(max_epochs);
  return out;
}

void TrialHistory::record(Trial& t, const common::EpochFigures& epoch) {
  if (t.cost.emplace(epoch.epoch, objective_costs(objectives_, epoch, t.figures)).second) ++results_at_[epoch.epoch];
}

void TrialHistory::add(int64_t run_id, std::vector<double> unit, int64_t max_epochs, StaticFigures figures) {
  Trial& t = trials_[run_id];
  t.unit = std::move(unit);
  t.max_epochs = max_epochs;
  t.figures = figures;
  t.order = static_cast<int64_t>(by_order_.size());
  by_order_.push_back(run_id);
}

void TrialHistory::load(const Store& store, const std::string& sweep) {
  trials_.clear();
  by_order_.clear();
  results_at_.clear();
  std::unordered_map<int64_t, RunRecord> runs;
  for (RunRecord& r : store.runs(sweep)) runs.emplace(r.id, std::move(r));
  for (const TrialRecord& trial : store.trials(sweep)) {
    if (!trial.run_id || !runs.count(*trial.run_id)) continue;
    const RunRecord& run = runs.at(*trial.run_id);
    const nlohmann::json state = nlohmann::json::parse(trial.state_json);
    add(run.id, state.at("unit").get<std::vector<double>>(), run.epochs, StaticFigures{run.params, run.cost});
    Trial& t = trials_.at(run.id);
    t.stopped = run.state == RunState::Stopped;
    t.finished = run.state == RunState::Done || run.state == RunState::Failed;
    // The levels it has been judged at: rungs below its rung, its rung when stopped there, all when done.
    const std::vector<int64_t> all = levels(run.epochs);
    size_t reached = std::min(static_cast<size_t>(run.rung), all.size());
    if (run.state == RunState::Stopped) reached = std::min(reached + 1, all.size());
    if (run.state == RunState::Done) reached = all.size();
    if (reached == 0) continue;
    for (const EpochRecord& e : store.epochs(run.id)) {
      for (size_t k = 0; k < reached; ++k) {
        if (all[k] == e.epoch) record(t, epoch_figures(e));
      }
    }
  }
}

void TrialHistory::reached(int64_t run_id, const std::vector<common::EpochFigures>& history, int64_t until) {
  const auto it = trials_.find(run_id);
  if (it == trials_.end()) return;  // not a sampled trial
  Trial& t = it->second;
  for (int64_t level : levels(t.max_epochs)) {
    if (level > until) break;
    for (const common::EpochFigures& f : history) {
      if (f.epoch == level) record(t, f);
    }
  }
}

void TrialHistory::stopped(int64_t run_id, bool is_stopped) {
  if (const auto it = trials_.find(run_id); it != trials_.end()) it->second.stopped = is_stopped;
}

void TrialHistory::finished(int64_t run_id) {
  if (const auto it = trials_.find(run_id); it != trials_.end()) it->second.finished = true;
}

LevelObservations TrialHistory::at_best_level(int64_t min_results) const {
  LevelObservations out;
  for (auto it = results_at_.rbegin(); it != results_at_.rend(); ++it) {
    if (it->second >= min_results) {
      out.epoch = it->first;
      break;
    }
  }
  if (out.epoch == 0) return out;
  for (int64_t run_id : by_order_) {
    const Trial& t = trials_.at(run_id);
    if (const auto m = t.cost.find(out.epoch); m != t.cost.end()) {
      out.observations.push_back(TpeObservation{t.unit, m->second.front()});
      out.costs.push_back(m->second);
      ++out.observed;
    } else if (!t.stopped && !t.finished && t.max_epochs >= out.epoch) {
      // In flight or pending towards this level: the constant liar, the worst value.
      out.observations.push_back(TpeObservation{t.unit, std::numeric_limits<double>::infinity()});
      out.costs.emplace_back(objectives_.size(), std::numeric_limits<double>::infinity());
      ++out.pending;
    }
  }
  return out;
}

bool TrialHistory::any_unit(const std::function<bool(const std::vector<double>& unit)>& test) const {
  return std::any_of(trials_.begin(), trials_.end(), [&](const auto& trial) { return test(trial.second.unit); });
}

}  // namespace bokeh::orchestrator
