// The TPE sampler: its first n_startup_trials trials are Sobol points (proposal "startup"), then the
// multivariate TPE (tpe_kernels.h) proposes from the results at the highest budget level that has
// enough of them, the trials in flight counted as pending (constant liar): its best-ranked candidate
// whose config no sampled trial has (the best when every one repeats, which the sweep then refuses and
// explores: Sampler::next_trial). With search.objectives, MO-TPE: the same kernels on the good side of a
// Pareto ranking. See sweeps/README.md, "search.method: tpe" and "Several objectives".
#pragma once

#include <cstddef>
#include <vector>

#include "orchestrator/search/sampler.h"
#include "orchestrator/search/tpe_kernels.h"

namespace bokeh::orchestrator {

class TpeSampler : public Sampler {
 public:
  explicit TpeSampler(const SearchSpace& space);

 protected:
  void propose(TrialDraw& draw, const TrialHistory& history) override;

 private:
  // The results a proposal needs on one level: n_startup_trials, or dimensions + 1 if more (BOHB's rule).
  int64_t min_results() const;
  // The index of the first of `candidates` (best first) whose values no trial of `history` has; 0 when all
  // repeat.
  size_t first_new(const std::vector<std::vector<double>>& candidates, const TrialHistory& history) const;

  // The level's observations as the kernels split them: by the objective's cost, or with several
  // objectives (MO-TPE) by pareto_rank_values() of their costs.
  std::vector<TpeObservation> ranked(const LevelObservations& level) const;

  std::vector<TpeDimension> dimensions_;
};

}  // namespace bokeh::orchestrator
