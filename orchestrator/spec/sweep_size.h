// The bound on how many runs a spec may plan, checked from the counts alone before any run is expanded.
#pragma once

#include <cstdint>

#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

// The most runs (explicit runs, grid points, and their repeats) one sweep may plan. A start and a dry
// run expand, check and cost every planned run up front and a start stores each as a row: 10^5 grid
// points took a dry run 15 s and 778 MB, 10^6 more than 60 s and 5 GB; 10^4 take 1.5 s and 180 MB,
// and are already months of training at the study's minutes per run. Larger spaces are sampled with
// `search:`, whose trials are drawn lazily (any number).
inline constexpr uint64_t kMaxSweepRuns = 10000;

// Throws SpecError, at the grid (or the run entry, or `repeats`) that makes the count too large, naming
// the axes' sizes and their product, e.g. "grid: 10 x 10 x 10 x 10 x 10 = 100000 runs, more than ...".
void check_sweep_size(const Spec& spec);

}  // namespace bokeh::orchestrator
