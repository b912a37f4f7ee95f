// Named sets of --set overrides that `sweep` offers as flags: --quick (a quick look at any spec on
// a CPU in minutes, on synthetic data) and --no-lpips (train and test without the LPIPS weights).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bokeh::orchestrator {

// The quick look at a spec whose sweep is `sweep_name`: the built-in synthetic data at 32x48 (the
// study's 2:3 aspect; each side rounded up to a multiple of `pooling_factor`, the largest any of its runs
// needs: 64x64 with PyNET), 8 train / 4 validation / 4 test pairs, every run's own epochs, stored as the
// sweep "<sweep_name>-quick" so that the full sweep's results stay apart; then the spec's own `quick:`
// section (`spec_quick`, Spec::quick).
std::vector<std::string> quick_look_overrides(const std::string& sweep_name, int64_t pooling_factor = 1,
                                              const std::vector<std::string>& spec_quick = {});

// No LPIPS: loss.lpips = 0 in every run and no weights file (test LPIPS is then reported as "–").
std::vector<std::string> no_lpips_overrides();

// The flags above as they appear on the command line, for messages.
inline constexpr char kQuickFlag[] = "--quick";
inline constexpr char kNoLpipsFlag[] = "--no-lpips";

}  // namespace bokeh::orchestrator
