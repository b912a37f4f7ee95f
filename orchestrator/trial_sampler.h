// The sampled trials of a sweep, drawn one at a time when a worker needs one (never all up front):
// random (a seeded hash of the trial number), Sobol (the point of that index) or TPE (its first
// n_startup_trials Sobol points, then the model over the results so far, orchestrator/tpe.h). The
// sampler's state is the seed and the draw counter (with TPE, also the results it is shown, which
// the store holds), stored with each trial as it is drawn, so a resumed sweep continues the stream.
// Memory grows with the trials drawn, not with search.trials. See sweeps/README.md.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/spec/spec.h"
#include "orchestrator/store/store.h"
#include "orchestrator/trial_history.h"

namespace bokeh::orchestrator {

struct TrialDraw {
  int64_t number = 0;                  // 1-based
  std::vector<double> unit;            // its unit point
  std::vector<nlohmann::json> values;  // one per search dimension
  std::string proposal;                // random | sobol | startup | model | explore
  nlohmann::json state;                // what TrialRecord::state_json keeps
};

class TrialSampler {
 public:
  explicit TrialSampler(const SearchSpace& space);

  // Continues after the stored draws (the counter is the highest stored number; the trials are the
  // stored draws that became runs).
  void restore(const std::vector<TrialRecord>& stored);
  int64_t drawn() const { return drawn_; }
  int64_t trials() const { return trials_; }  // draws that became runs

  // A draw became a run (a draw that repeats a config the sweep has does not).
  void count_trial() { ++trials_; }

  // No trial left to draw: search.trials runs drawn, or search.budget_epochs trained.
  bool exhausted(int64_t trained_epochs) const;

  // The results a TPE proposal needs on one level: n_startup_trials, or dimensions + 1 if more
  // (BOHB's rule).
  int64_t min_results() const;

  // Draws the next trial (the counter goes up by one).
  TrialDraw draw(const TrialHistory& history);

  // The next trial number as its stream point (proposal "explore"): what follows a TPE proposal that
  // repeats a config the sweep has, so that on a small discrete space the model's favourite, proposed
  // again and again, does not end the search.
  TrialDraw explore(const TrialDraw& repeated);

 private:
  SearchSpace space_;
  std::vector<TpeDimension> dimensions_;
  int64_t drawn_ = 0;
  int64_t trials_ = 0;
};

}  // namespace bokeh::orchestrator
