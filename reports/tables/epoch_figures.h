// A run's per-epoch figures read from its epoch rows by their names in common/result_figures.h
// (train_loss, val_loss, gap, val_l1 ... val_lpips, val_fg_psnr ... val_bg_blur), and the epoch that ranks a run
// (the lowest validation loss): what the trials table, the curves and the dashboard show per epoch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store_records.h"

namespace bokeh::reports {

// What the curves plot by default (`report --figure curves`, --y): the training and the validation loss.
inline constexpr const char* kLossCurves = "val_loss";

// The names of the figures every epoch has (scope PerEpoch), in the result-figures table's order.
std::vector<std::string> epoch_figure_names();

// The figure `name` of `epoch`; nullopt where the row lacks it (a validation metric of an epoch stored
// before they were computed). Throws std::invalid_argument for a name that is not a per-epoch figure.
std::optional<double> epoch_figure(const orchestrator::EpochRecord& epoch, const std::string& name);

// The epoch with the lowest validation loss (the first of equals); nullptr for no epochs.
const orchestrator::EpochRecord* best_epoch(const std::vector<orchestrator::EpochRecord>& epochs);

}  // namespace bokeh::reports
