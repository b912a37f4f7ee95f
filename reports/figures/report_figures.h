// `report --figure curves|samples`: choosing the sweep and runs, gathering their epochs, checkpoints
// and test images, and handing them to the figure writers (no libtorch in this header: `report`'s main
// compiles without it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store_reader.h"
#include "reports/figures/curves_figure.h"

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
  std::string figure = kLossCurves;    // curves: the per-epoch figure plotted (curves_figure.h)
};

struct FigureResult {
  std::filesystem::path png;
  std::vector<std::string> notes;  // what the user should know (e.g. runs left out for lack of a checkpoint)
};

// Loss curves (or request.figure's) of the chosen runs, or by default of up to kDefaultCurveRuns runs
// with recorded epochs (those with the lowest validation loss). Files: <sweep>-curves.{dat,gp,png}.
FigureResult make_curves_figure(const orchestrator::StoreReader& store, const FigureRequest& request);

// Sample grid from the chosen runs' best checkpoints, or by default of up to kDefaultSampleRuns
// finished runs (the best first) that have one. A chosen run without a checkpoint is an error naming
// the missing file. Files: <sweep>-samples.{png,txt}.
FigureResult make_samples_figure(const orchestrator::StoreReader& store, const FigureRequest& request);

}  // namespace bokeh::reports
