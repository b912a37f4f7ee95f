// A startup Sobol point, or the model's proposal with the level it learnt from in the stored state: its
// best candidate whose config no sampled trial of the sweep has. With several objectives, the good side
// is chosen by Pareto rank (pareto.h).
#include "orchestrator/search/tpe_sampler.h"

#include <algorithm>

#include "orchestrator/plan/search_points.h"
#include "orchestrator/search/pareto.h"

namespace bokeh::orchestrator {

TpeSampler::TpeSampler(const SearchSpace& space) : Sampler(space) {
  for (const SearchDimension& d : space.dimensions)
    dimensions_.push_back(
        TpeDimension{d.distribution == Distribution::Choice ? static_cast<int>(d.choices.size()) : 0});
}

int64_t TpeSampler::min_results() const {
  return std::max(space().n_startup_trials, static_cast<int64_t>(space().dimensions.size()) + 1);
}

size_t TpeSampler::first_new(const std::vector<std::vector<double>>& candidates, const TrialHistory& history) const {
  const std::vector<SearchDimension>& dims = space().dimensions;
  for (size_t c = 0; c < candidates.size(); ++c) {
    const std::vector<nlohmann::json> values = point_values(space(), candidates[c]);
    const bool repeats = history.any_unit([&](const std::vector<double>& unit) {
      for (size_t d = 0; d < dims.size(); ++d) {
        if (unit[d] != candidates[c][d] && dimension_value(dims[d], unit[d]) != values[d]) return false;
      }
      return true;
    });
    if (!repeats) return c;
  }
  return 0;
}

std::vector<TpeObservation> TpeSampler::ranked(const LevelObservations& level) const {
  if (space().objectives.size() < 2) return level.observations;
  const size_t keep = static_cast<size_t>(tpe_below_count(static_cast<int>(level.observations.size()), TpeOptions{}));
  const std::vector<double> values = pareto_rank_values(level.costs, keep);
  std::vector<TpeObservation> out = level.observations;
  for (size_t i = 0; i < out.size(); ++i) out[i].value = values[i];
  return out;
}

void TpeSampler::propose(TrialDraw& draw, const TrialHistory& history) {
  draw.proposal = Proposal::Startup;
  if (draw.number > space().n_startup_trials) {
    const LevelObservations level = history.at_best_level(min_results());
    draw.state["level_epoch"] = level.epoch;
    draw.state["observed"] = level.observed;
    draw.state["pending"] = level.pending;
    if (level.epoch > 0) {
      const TpeProposal p = tpe_propose(dimensions_, ranked(level), space().seed, static_cast<uint64_t>(draw.number));
      const size_t pick = first_new(p.candidates, history);
      draw.unit = p.candidates[pick];
      draw.state["below"] = p.below;
      draw.state["above"] = p.above;
      if (pick > 0) draw.state["skipped"] = pick;  // better candidates whose configs the sweep has
      draw.proposal = Proposal::Model;
    }
  }
  if (draw.unit.empty()) draw.unit = stream_point(draw.number);
}

}  // namespace bokeh::orchestrator
