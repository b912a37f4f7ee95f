// Lazy trial draws: the counter, the stopping rules, and the choice between a stream point (random,
// Sobol, TPE's startup) and a TPE proposal.
#include "orchestrator/trial_sampler.h"

#include <algorithm>

#include "orchestrator/spec/samplers.h"

namespace bokeh::orchestrator {

TrialSampler::TrialSampler(const SearchSpace& space) : space_(space) {
  for (const SearchDimension& d : space_.dimensions)
    dimensions_.push_back(
        TpeDimension{d.distribution == Distribution::Choice ? static_cast<int>(d.choices.size()) : 0});
}

void TrialSampler::restore(const std::vector<TrialRecord>& stored) {
  drawn_ = trials_ = 0;
  for (const TrialRecord& t : stored) {
    drawn_ = std::max(drawn_, t.number);
    trials_ += t.run_id.has_value();
  }
}

bool TrialSampler::exhausted(int64_t trained_epochs) const {
  if (space_.trials > 0 && trials_ >= space_.trials) return true;
  return space_.budget_epochs > 0 && trained_epochs >= space_.budget_epochs;
}

int64_t TrialSampler::min_results() const {
  return std::max(space_.n_startup_trials, static_cast<int64_t>(space_.dimensions.size()) + 1);
}

TrialDraw TrialSampler::draw(const TrialHistory& history) {
  TrialDraw draw;
  draw.number = ++drawn_;
  draw.state = {{"seed", space_.seed}, {"counter", draw.number}};
  draw.proposal = space_.method;
  if (space_.method == "tpe") {
    draw.proposal = "startup";
    if (draw.number > space_.n_startup_trials) {
      const LevelObservations level = history.at_best_level(min_results());
      draw.state["level_epoch"] = level.epoch;
      draw.state["observed"] = level.observed;
      draw.state["pending"] = level.pending;
      if (level.epoch > 0) {
        const TpeProposal p =
            tpe_propose(dimensions_, level.observations, space_.seed, static_cast<uint64_t>(draw.number));
        draw.unit = p.unit;
        draw.state["below"] = p.below;
        draw.state["above"] = p.above;
        draw.proposal = "model";
      }
    }
  }
  if (draw.unit.empty()) draw.unit = unit_point(space_, static_cast<uint64_t>(draw.number - 1));
  draw.state["unit"] = draw.unit;
  draw.values = point_values(space_, draw.unit);
  return draw;
}

TrialDraw TrialSampler::explore(const TrialDraw& repeated) {
  TrialDraw draw;
  draw.number = ++drawn_;
  draw.state = {{"seed", space_.seed}, {"counter", draw.number}, {"repeated_trial", repeated.number}};
  draw.proposal = "explore";
  draw.unit = unit_point(space_, static_cast<uint64_t>(draw.number - 1));
  draw.state["unit"] = draw.unit;
  draw.values = point_values(space_, draw.unit);
  return draw;
}

}  // namespace bokeh::orchestrator
