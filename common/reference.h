// A published result row (a spec's `references`, e.g. PyNET in the study's Table 4): set beside the runs
// measured here, under its own conditions. Written by the spec's reader, read back from the stored spec by
// the reports; a cell the row does not give is nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bokeh::common {

struct Reference {
  std::string name;
  std::string source;
  std::optional<int64_t> epochs;
  std::optional<double> params_m, runtime_min, psnr, ssim, lpips;
};

}  // namespace bokeh::common
