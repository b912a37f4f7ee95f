// The random and Sobol samplers: trial n is point n - 1 of the space's seeded stream (a SplitMix64
// hash, or the digitally shifted Sobol sequence; orchestrator/plan/search_points.h), whatever the results.
#pragma once

#include "orchestrator/search/sampler.h"

namespace bokeh::orchestrator {

class StreamSampler : public Sampler {
 public:
  // `proposal`: what the trials table calls its draws (random or sobol).
  StreamSampler(const SearchSpace& space, Proposal proposal) : Sampler(space), proposal_(proposal) {}

 protected:
  void propose(TrialDraw& draw, const TrialHistory& history) override;

 private:
  Proposal proposal_;
};

}  // namespace bokeh::orchestrator
