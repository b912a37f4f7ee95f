// `report --figure curves|samples`: choosing the sweep and runs, gathering their epochs, checkpoints
// and test images, and handing them to the figure writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "orchestrator/store/store.h"
#include "reports/figures/curves_figure.h"
#include "reports/figures/samples_figure.h"

namespace bokeh::reports {

inline constexpr size_t kDefaultCurveRuns = 6;  // without --runs: the runs with the lowest validation loss
inline constexpr size_t kDefaultSampleRuns = 4;

struct FigureRequest {
  std::string sweep;              // "" = the most recently created sweep
  std::vector<std::string> runs;  // empty = a default choice (see make_*_figure)
  std::filesystem::path out_dir;
  std::filesystem::path results_root;  // holds <sweep>/checkpoints and <sweep>/data
  int64_t images = 4;                  // samples: test images, one per row
  FigureSize size;                     // curves: PNG size
};

struct FigureResult {
  std::filesystem::path png;
  std::vector<std::string> notes;  // what the user should know (e.g. runs left out for lack of a checkpoint)
};

// Loss curves of the chosen runs, or by default of up to kDefaultCurveRuns runs with recorded
// epochs (those with the lowest validation loss). Files: <sweep>-curves.{dat,gp,png}.
FigureResult make_curves_figure(const orchestrator::Store& store, const FigureRequest& request);

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
SampleSelection select_samples(const orchestrator::Store& store, const FigureRequest& request);

// Sample grid from the chosen runs' best checkpoints, or by default of up to kDefaultSampleRuns
// finished runs (the best first) that have one. A chosen run without a checkpoint is an error naming
// the missing file. Files: <sweep>-samples.{png,txt}.
FigureResult make_samples_figure(const orchestrator::Store& store, const FigureRequest& request);

}  // namespace bokeh::reports
