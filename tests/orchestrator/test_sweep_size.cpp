// The bound on a sweep's planned runs (kMaxSweepRuns): a grid, its repeats or repeated runs beyond it
// are refused from their counts alone, naming the axes and their product at the grid's line, even
// when the product overflows 64 bits; up to the bound a spec parses.
#include <catch2/catch.hpp>

#include <string>

#include "orchestrator/spec/spec.h"

using namespace bokeh::orchestrator;

namespace {

// 4 lines; a body starts at line 5.
const std::string kHead =
    "sweep: t\n"
    "data: {height: 32, width: 32, train_pairs: 4, val_pairs: 2, test_pairs: 2}\n"
    "base: {loss: {lpips: 0}}\n"
    "seed: 1\n";

const std::string kTen = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";

// A grid of `axes` axes of 10 values each (at most 6), from line 5.
std::string grid_of(int axes) {
  const char* settings[] = {"model.width", "train.batch_size", "train.epochs",
                            "loss.l1",     "loss.ssim",        "train.scheduler_patience"};
  std::string text = "grid:\n";
  for (int a = 0; a < axes; ++a) text += std::string("  ") + settings[a] + ": " + kTen + "\n";
  return text;
}

SpecError refusal(const std::string& body, const std::vector<std::string>& sets = {}) {
  try {
    parse_spec(kHead + body, "big.yaml", sets);
  } catch (const SpecError& e) {
    return e;
  }
  FAIL("accepted");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a grid of more runs than a sweep may hold is refused naming its axes and their product", "[spec][size]") {
  const SpecError e = refusal(grid_of(6));
  CHECK(e.where().source == "big.yaml");
  CHECK(e.where().line == 5);
  CHECK(e.where().key == "grid");
  CHECK(e.message() ==
        "10 x 10 x 10 x 10 x 10 x 10 = 1000000 runs, more than the 10000 a sweep may hold (split it into several "
        "sweeps, or sample it with search:)");
  CHECK(std::string(e.what()).rfind("big.yaml:5: grid: 10 x 10", 0) == 0);
}

TEST_CASE("a grid's repeats and the explicit runs count towards the bound", "[spec][size]") {
  CHECK_NOTHROW(parse_spec(kHead + grid_of(4), "big.yaml"));  // 10^4: the bound itself
  const SpecError repeated = refusal("repeats: 2\n" + grid_of(4));
  CHECK(repeated.where().line == 6);
  CHECK(repeated.message().rfind("10 x 10 x 10 x 10 = 10000 points x repeats 2 = 20000 runs, more than the 10000", 0) ==
        0);
  const SpecError by_set = refusal(grid_of(4), {"repeats=3"});
  CHECK(by_set.message().find("x repeats 3 = 30000 runs") != std::string::npos);
  const SpecError with_runs = refusal("runs:\n  - {name: a}\n" + grid_of(4));
  CHECK(with_runs.message().rfind("10 x 10 x 10 x 10 = 10000 runs, + 1 from runs: = 10001 runs, more than", 0) == 0);
}

TEST_CASE("a product beyond 64 bits is refused instead of wrapping around", "[spec][size]") {
  // 10^6 points x 2^62 repeats wraps to a small number in 64-bit arithmetic.
  const SpecError e = refusal("repeats: 4611686018427387904\n" + grid_of(6));
  CHECK(e.message().find("= 1000000 points x repeats 4611686018427387904 = more than 18446744073709551615 runs") !=
        std::string::npos);
}

TEST_CASE("runs repeated beyond the bound are refused at the most repeated run", "[spec][size]") {
  const SpecError runs = refusal("runs:\n  - {name: a}\n  - {name: b, repeats: 1000000000}\n");
  CHECK(runs.where().line == 7);
  CHECK(runs.where().key == "runs[1]");
  CHECK(runs.message().rfind("runs: 2 entries with their repeats = 1000000001 runs, more than the 10000", 0) == 0);
  const SpecError base = refusal("repeats: 20000\n");
  CHECK(base.where().key == "repeats");
  CHECK(base.where().line == 5);
  CHECK(base.message().rfind("is 20000: 20000 runs of base, more than the 10000", 0) == 0);
}
