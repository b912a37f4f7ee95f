// The one mapping between a unit coordinate and a choice among `choices` values: category c covers
// [c/choices, (c+1)/choices). The samplers realise a trial's choices with it and TPE's kernels compare
// and place categories with it, so the two cannot drift apart.
#pragma once

#include <algorithm>
#include <cmath>

namespace bokeh::orchestrator {

// The category a unit coordinate falls in (coordinates outside [0, 1) go to the nearest end).
inline int choice_category(double unit, int choices) {
  return std::clamp(static_cast<int>(std::floor(unit * choices)), 0, choices - 1);
}

// The centre of category `category`: the unit coordinate a proposal puts a choice at.
inline double choice_centre(int category, int choices) { return (category + 0.5) / choices; }

}  // namespace bokeh::orchestrator
