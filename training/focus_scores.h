// The in-focus / out-of-focus figures of one image (training/focus_metrics.h computes them under a
// per-pixel in-focus weight map; common::FocusFigures holds them) and their mean over a set. Torch-free:
// `metrics`' main prints them.
#pragma once

#include <vector>

#include "common/train_result.h"

namespace bokeh::training {

// Every figure is "no value" (empty) where the pixels it looks at weigh nothing: no in-focus pixel
// for fg_*, no background for bg_* (and, for the SSIMs and the blur figure, none inside the valid
// region of their windows, or an image too small for them).
using FocusScores = common::FocusFigures;

// The mean of each figure over the images that have it; empty where none has it.
FocusScores mean_focus_scores(const std::vector<FocusScores>& scores);

}  // namespace bokeh::training
