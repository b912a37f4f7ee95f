// A stream point per trial.
#include "orchestrator/search/stream_sampler.h"

namespace bokeh::orchestrator {

void StreamSampler::propose(TrialDraw& draw, const TrialHistory& /*history*/) {
  draw.proposal = proposal_;
  draw.unit = stream_point(draw.number);
}

}  // namespace bokeh::orchestrator
