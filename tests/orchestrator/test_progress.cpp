// The coordinator's progress lines: a finished run's line names its figures and writes them at the
// result-figures table's decimals, "–" for a missing LPIPS.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "orchestrator/sweep/progress.h"

using namespace bokeh;

namespace {

// What `progress` wrote to `out` since the start.
std::string written(std::FILE* out) {
  std::fflush(out);
  std::rewind(out);
  std::string text;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) text += static_cast<char>(c);
  return text;
}

}  // namespace

TEST_CASE("A finished run's progress line names its test figures at their decimals", "[progress]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  orchestrator::Progress progress(false, out);
  common::TrainResult r{3,    2,   0.58,  0.66, 0.59,   0.07, {0.15, 24.514, 0.81, std::nullopt},
                        2100, 9.5, 12345, {},   "fp32", ""};
  progress.run_done("VBase_1", r, 0);
  r.test.psnr = INFINITY;
  r.test.lpips = 0.24376;
  progress.run_done("identical", r, 0);
  CHECK(written(out) ==
        "VBase_1            done: best epoch 2 val 0.5800; test L1 0.1500 PSNR 24.51 SSIM 0.8100 LPIPS –; 35m00s "
        "[done 1/0]\n"
        "identical          done: best epoch 2 val 0.5800; test L1 0.1500 PSNR inf SSIM 0.8100 LPIPS 0.2438; 35m00s "
        "[done 2/0]\n");
  std::fclose(out);
}
