// The sampler interface: the sampled trials of a sweep, drawn one at a time when a worker needs one
// (never all up front). A sampler proposes a trial's point in the unit cube (stream_sampler.h: a
// stream point; tpe_sampler.h: a model over the results so far), and this base numbers the draws,
// keeps the counters, stores the state (the seed and the draw counter, with the proposal's own
// figures) with each trial as it is drawn, and maps the point onto the space's values, so a resumed
// sweep continues the stream. Memory grows with the trials drawn, not with search.trials. See
// sweeps/README.md. make_search.h builds the one the spec names.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/search/trial_history.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"

namespace bokeh::orchestrator {

// Consecutive requests whose draws all repeat configs the sweep has, after which a small space counts as
// exhausted.
inline constexpr int64_t kMaxRepeatedDraws = 1000;

struct TrialDraw {
  int64_t number = 0;                  // 1-based
  std::vector<double> unit;            // its unit point
  std::vector<nlohmann::json> values;  // one per search dimension
  Proposal proposal = Proposal::Random;
  nlohmann::json state;  // what TrialRecord::state_json keeps
};

class Sampler {
 public:
  explicit Sampler(const SearchSpace& space) : space_(space) {}
  virtual ~Sampler() = default;

  // Continues after the stored draws (the counter is the highest stored number; the trials are the
  // stored draws that became runs).
  void restore(const std::vector<TrialRecord>& stored);
  int64_t drawn() const { return drawn_; }
  int64_t trials() const { return trials_; }  // draws that became runs

  // A draw became a run (a draw that repeats a config the sweep has does not).
  void count_trial() { ++trials_; }

  // No trial left to draw: search.trials runs drawn, or search.budget_epochs trained.
  bool exhausted(int64_t trained_epochs) const;

  // Draws the next trial (the counter goes up by one) from what `history` has shown so far.
  TrialDraw draw(const TrialHistory& history);

  // The next trial number with the next stream point no draw has taken (proposal "explore"): what
  // follows a model proposal that repeats a config the sweep has, so that on a small discrete space the
  // model's favourite, proposed again and again, does not end the search. Model proposals take no
  // stream point, so the explore draws walk the stream on from where the startup left it, one point
  // each, and reach every config of a finite space.
  TrialDraw explore(const TrialDraw& repeated);

  // The draws of one request for a trial, as the sweep takes them: draw(history), and when `add`
  // refuses a model proposal, the explore draw after it. `add` stores a draw and says whether it became
  // a run (false: it repeats a config the sweep has). Returns the draw that became a run, if any.
  std::optional<TrialDraw> next_trial(const TrialHistory& history, const std::function<bool(const TrialDraw&)>& add);

 protected:
  // Sets draw.unit and draw.proposal for trial draw.number, adding its own figures to draw.state.
  virtual void propose(TrialDraw& draw, const TrialHistory& history) = 0;
  // Trial `number`'s point of the space's stream (random or Sobol, orchestrator/plan/search_points.h).
  std::vector<double> stream_point(int64_t number) const;
  const SearchSpace& space() const { return space_; }

 private:
  TrialDraw next_draw();                 // numbered, with the stored state's seed and counter
  void complete(TrialDraw& draw) const;  // the unit point into the state and onto the values

  SearchSpace space_;
  int64_t drawn_ = 0;
  int64_t trials_ = 0;
  int64_t streamed_ = 0;  // draws that took a stream point (all but model proposals)
};

}  // namespace bokeh::orchestrator
