// The runs and test images a samples figure (or the dashboard's sample cells) shows: chosen from the
// store, with the sweep's prepared data opened where the store says it is and the best weights loaded.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "store/store_reader.h"
#include "reports/figures/report_figures.h"
#include "reports/figures/samples_figure.h"

namespace bokeh::reports {

// What a samples figure shows: the first `request.images` test images of the sweep's prepared data and
// the chosen runs with their best weights loaded.
struct SampleSelection {
  std::string sweep;
  torch::Tensor inputs, targets;  // uint8 (N, 3, H, W)
  std::vector<SampleColumn> columns;
  std::vector<std::string> notes;  // runs left out for lack of a checkpoint
};

// The chosen runs, or by default up to kDefaultSampleRuns finished runs (the best first) that have a
// best checkpoint. A chosen run without a checkpoint is an error naming the missing file.
SampleSelection select_samples(const orchestrator::StoreReader& store, const FigureRequest& request);

}  // namespace bokeh::reports
