// The sampler base: the counter, the stopping conditions of the sampling, the stored state and the
// mapping of a proposed point onto the space's values.
#include "orchestrator/search/sampler.h"

#include <algorithm>

#include "orchestrator/plan/search_points.h"

namespace bokeh::orchestrator {

void Sampler::restore(const std::vector<TrialRecord>& stored) {
  drawn_ = trials_ = streamed_ = 0;
  for (const TrialRecord& t : stored) {
    drawn_ = std::max(drawn_, t.number);
    trials_ += t.run_id.has_value();
    streamed_ += t.proposal != kind_name(Proposal::Model);
  }
}

bool Sampler::exhausted(int64_t trained_epochs) const {
  if (space_.trials > 0 && trials_ >= space_.trials) return true;
  return space_.budget_epochs > 0 && trained_epochs >= space_.budget_epochs;
}

std::vector<double> Sampler::stream_point(int64_t number) const {
  return unit_point(space_, static_cast<uint64_t>(number - 1));
}

TrialDraw Sampler::next_draw() {
  TrialDraw draw;
  draw.number = ++drawn_;
  draw.state = {{"seed", space_.seed}, {"counter", draw.number}};
  return draw;
}

void Sampler::complete(TrialDraw& draw) const {
  draw.state["unit"] = draw.unit;
  draw.values = point_values(space_, draw.unit);
}

TrialDraw Sampler::draw(const TrialHistory& history) {
  TrialDraw draw = next_draw();
  propose(draw, history);
  streamed_ += draw.proposal != Proposal::Model;
  complete(draw);
  return draw;
}

TrialDraw Sampler::explore(const TrialDraw& repeated) {
  TrialDraw draw = next_draw();
  draw.state["repeated_trial"] = repeated.number;
  draw.proposal = Proposal::Explore;
  draw.unit = unit_point(space_, static_cast<uint64_t>(streamed_++));
  complete(draw);
  return draw;
}

std::optional<TrialDraw> Sampler::next_trial(const TrialHistory& history,
                                             const std::function<bool(const TrialDraw&)>& add) {
  TrialDraw draw = this->draw(history);
  if (add(draw)) return draw;
  if (draw.proposal != Proposal::Model) return std::nullopt;
  draw = explore(draw);
  if (add(draw)) return draw;
  return std::nullopt;
}

}  // namespace bokeh::orchestrator
