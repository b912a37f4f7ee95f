// A startup Sobol point, or the model's proposal with the level it learnt from in the stored state.
#include "orchestrator/search/tpe_sampler.h"

#include <algorithm>

namespace bokeh::orchestrator {

TpeSampler::TpeSampler(const SearchSpace& space) : Sampler(space) {
  for (const SearchDimension& d : space.dimensions)
    dimensions_.push_back(
        TpeDimension{d.distribution == Distribution::Choice ? static_cast<int>(d.choices.size()) : 0});
}

int64_t TpeSampler::min_results() const {
  return std::max(space().n_startup_trials, static_cast<int64_t>(space().dimensions.size()) + 1);
}

void TpeSampler::propose(TrialDraw& draw, const TrialHistory& history) {
  draw.proposal = Proposal::Startup;
  if (draw.number > space().n_startup_trials) {
    const LevelObservations level = history.at_best_level(min_results());
    draw.state["level_epoch"] = level.epoch;
    draw.state["observed"] = level.observed;
    draw.state["pending"] = level.pending;
    if (level.epoch > 0) {
      const TpeProposal p =
          tpe_propose(dimensions_, level.observations, space().seed, static_cast<uint64_t>(draw.number));
      draw.unit = p.unit;
      draw.state["below"] = p.below;
      draw.state["above"] = p.above;
      draw.proposal = Proposal::Model;
    }
  }
  if (draw.unit.empty()) draw.unit = stream_point(draw.number);
}

}  // namespace bokeh::orchestrator
