// The study's Figure 2: training and validation loss per epoch for one or more runs, with the
// epochs where the learning rate dropped marked by vertical lines; or another per-epoch figure (the
// validation set's PSNR, ...) the same way. Writes NAME.dat (the data), NAME.gp (the gnuplot script,
// to restyle) and NAME.png (pngcairo) into a folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "store/store_records.h"
#include "reports/tables/epoch_figures.h"
#include "reports/tables/lr_drops.h"

namespace bokeh::reports {

struct CurveSeries {
  std::string run;
  std::vector<orchestrator::EpochRecord> epochs;  // by epoch
  std::string stop_mark;  // a run stopped early: "stopped at rung 1 (epoch 3)", marked at its last point; else ""
};

struct FigureSize {
  int width = 1000;  // pixels
  int height = 600;
};

// Writes the three files as out_dir/NAME.{dat,gp,png} (creating out_dir) and returns the PNG's path.
// `figure`: kLossCurves, or any other per-epoch figure of common/result_figures.h (one line per run;
// epochs without it are left out). Throws ReportInputError for a figure that is not per-epoch or that
// no epoch of the series has; ReportError when `series` is empty or a series has no epochs, or
// gnuplot is missing or fails.
std::filesystem::path write_curves_figure(const std::vector<CurveSeries>& series, const std::string& title,
                                          const std::filesystem::path& out_dir, const std::string& name,
                                          FigureSize size = {}, const std::string& figure = kLossCurves);

}  // namespace bokeh::reports
