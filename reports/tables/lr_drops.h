// Where a run's learning rate dropped (ReduceLROnPlateau), from its recorded epochs: marked on the
// loss curves of `report --figure curves` and of the HTML dashboard alike.
#pragma once

#include <cstdint>
#include <vector>

#include "store/store_records.h"

namespace bokeh::reports {

// Epochs trained at a lower learning rate than the epoch before (the first epoch after each drop).
std::vector<int64_t> lr_drop_epochs(const std::vector<orchestrator::EpochRecord>& epochs);

}  // namespace bokeh::reports
