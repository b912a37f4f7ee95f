// ASHA's rungs (Li et al. 2020), as the store's `runs.rung` column counts them: rung k is epoch
// min_epochs * reduction_factor^k, for every k whose epoch is below the run's train.epochs; a run's
// last "rung" (index = the number of rungs) is its train.epochs. Shared by the bookkeeping that
// takes the decisions and the reports that show them.
#pragma once

#include <cstdint>
#include <vector>

namespace bokeh::common {

// The epoch of rung `rung` (0-based): min_epochs * reduction_factor^rung.
inline int64_t asha_rung_epoch(int64_t min_epochs, int64_t reduction_factor, int64_t rung) {
  int64_t epoch = min_epochs;
  for (int64_t k = 0; k < rung; ++k) epoch *= reduction_factor;
  return epoch;
}

// The epochs of the rungs below `max_epochs`, ascending (reduction_factor >= 2).
inline std::vector<int64_t> asha_rung_epochs(int64_t min_epochs, int64_t reduction_factor, int64_t max_epochs) {
  std::vector<int64_t> epochs;
  for (int64_t k = 0; asha_rung_epoch(min_epochs, reduction_factor, k) < max_epochs; ++k)
    epochs.push_back(asha_rung_epoch(min_epochs, reduction_factor, k));
  return epochs;
}

}  // namespace bokeh::common
