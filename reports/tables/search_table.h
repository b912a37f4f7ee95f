// Reports of an adaptive search: the trials table (`report --trials`: each run's sampled or varied
// settings, epochs trained, best validation loss and that epoch's validation PSNR, test PSNR, state
// with the rung it stopped at) and the ASHA rung counts that `report --status` prints. Store only.
#pragma once

#include <string>
#include <vector>

#include "store/store_reader.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// Columns: Run, every run setting whose value differs between the runs (the sampled ones first), Epochs
// (trained / planned), Best Val_Loss (over the epochs trained), Val PSNR (at that epoch), Test PSNR, State.
Table trials_table(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep,
                   const std::vector<RunSummary>& runs);

// "ASHA on val_loss (η 3): rung 0 (epoch 1): 7 recorded, 3 went on, 4 stopped; ..." or "" for a sweep
// without early stopping.
std::string rung_summary(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep);

}  // namespace bokeh::reports
