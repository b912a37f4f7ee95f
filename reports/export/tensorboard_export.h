// `report --export tensorboard DIR`: a sweep as TensorBoard log folders. One event file per run in
// DIR/<run>/ (the run's name where it is a plain file name, else its key) with its per-epoch figures
// as scalars (epoch/<figure>: train_loss, val_loss, gap, the validation metrics it has, lr,
// images_per_second; step = epoch), its result figures at its last epoch (final/<figure>), and the
// HParams plugin's session start (the varied settings' values) and end (status); plus DIR's own
// event file with the HParams experiment (the varied settings and the final figures as metrics).
#pragma once

#include <string>
#include <vector>

#include "store/store_reader.h"
#include "reports/export/export_output.h"

namespace bokeh::reports {

// The files, relative to DIR; `host` goes into their names (events.out.tfevents.<time>.<host>).
std::vector<ExportFile> tensorboard_files(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep,
                                          const std::string& host);

}  // namespace bokeh::reports
