// Learning-rate drops: epochs whose rate is below the previous epoch's.
#include "reports/tables/lr_drops.h"

namespace bokeh::reports {

std::vector<int64_t> lr_drop_epochs(const std::vector<orchestrator::EpochRecord>& epochs) {
  std::vector<int64_t> out;
  for (size_t i = 1; i < epochs.size(); ++i) {
    if (epochs[i].lr < epochs[i - 1].lr) out.push_back(epochs[i].epoch);
  }
  return out;
}

}  // namespace bokeh::reports
