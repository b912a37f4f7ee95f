// ReduceLROnPlateau: learning-rate sequences worked out by hand from PyTorch's documented algorithm
// (mode "min", threshold_mode "rel", eps 1e-8), step by step in the comments.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "training/plateau_scheduler.h"

using bokeh::common::SchedulerConfig;
using bokeh::training::PlateauScheduler;

namespace {
SchedulerConfig make_config(double factor, int64_t patience, double threshold, int64_t cooldown, double min_lr) {
  SchedulerConfig c;
  c.enabled = true;
  c.factor = factor;
  c.patience = patience;
  c.threshold = threshold;
  c.cooldown = cooldown;
  c.min_lr = min_lr;
  return c;
}

// The learning rate after each step.
std::vector<double> run(const SchedulerConfig& config, double lr, const std::vector<double>& losses) {
  PlateauScheduler scheduler(config);
  std::vector<double> lrs;
  for (double loss : losses) lrs.push_back(lr = scheduler.step(loss, lr));
  return lrs;
}
}  // namespace

TEST_CASE("improvements below the relative threshold count as bad epochs", "[plateau]") {
  // patience 3, factor 0.8, threshold 1e-4: an improvement needs loss < best * 0.9999.
  // 1.0: best 1.0 | .99995 .99993 .99992: bad 1 2 3 | .99991: bad 4 > 3 -> lr 0.8, bad 0
  // .9998 < .9999: best .9998 | .9998 x4: bad 1 2 3 4 -> lr 0.64
  const auto lrs = run(make_config(0.8, 3, 1e-4, 0, 0.0), 1.0,
                       {1.0, 0.99995, 0.99993, 0.99992, 0.99991, 0.9998, 0.9998, 0.9998, 0.9998, 0.9998});
  const std::vector<double> expected{1, 1, 1, 1, 0.8, 0.8, 0.8, 0.8, 0.8, 0.64};
  REQUIRE(lrs.size() == expected.size());
  for (size_t i = 0; i < lrs.size(); ++i) CHECK(lrs[i] == Approx(expected[i]).epsilon(1e-14));
}

TEST_CASE("real improvements reset the bad-epoch count", "[plateau]") {
  // patience 2, factor 0.5, threshold 0.1 (better: loss < 0.9 * best).
  // 10: best 10 | 9 (not < 9): bad 1 | 8.5: best 8.5 | 8.2, 8.1 (not < 7.65): bad 1 2 | 7: best 7
  // 7, 7: bad 1 2 | 7: bad 3 > 2 -> lr 0.5 | 6.2 < 6.3: best 6.2 | 6.2 x3: bad 1 2 3 -> 0.25
  const auto lrs = run(make_config(0.5, 2, 0.1, 0, 0.0), 1.0, {10, 9, 8.5, 8.2, 8.1, 7, 7, 7, 7, 6.2, 6.2, 6.2, 6.2});
  CHECK(lrs == std::vector<double>{1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25});
}

TEST_CASE("cooldown ignores bad epochs after a reduction", "[plateau]") {
  // patience 1, cooldown 2, factor 0.5, threshold 0 (better: loss < best).
  // s1 5: best | s2 5: bad 1 | s3 5: bad 2 > 1 -> 0.5, cooldown 2 | s4: cooldown 2->1, bad 0
  // s5: cooldown 1->0, bad 0 | s6: bad 1 | s7: bad 2 -> 0.25, cooldown 2 | s8 4: best 4, cooldown 1
  // s9 4: cooldown 0, bad 0 | s10: bad 1 | s11: bad 2 -> 0.125
  SchedulerConfig config = make_config(0.5, 1, 0.0, 2, 0.0);
  const auto lrs = run(config, 1.0, {5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4});
  CHECK(lrs == std::vector<double>{1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125});

  PlateauScheduler scheduler(config);
  double lr = 1.0;
  for (double loss : {5.0, 5.0, 5.0, 5.0}) lr = scheduler.step(loss, lr);
  CHECK(scheduler.state().cooldown_counter == 1);
  CHECK(scheduler.state().num_bad_epochs == 0);
  CHECK(scheduler.state().best == 5.0);
  CHECK(scheduler.state().last_epoch == 4);
}

TEST_CASE("min_lr clamps the rate and reductions below eps are skipped", "[plateau]") {
  // patience 0, factor 0.5, min_lr 0.3: every non-improving epoch reduces.
  // 1 -> 0.5 -> max(0.25, 0.3) = 0.3 -> max(0.15, 0.3) = 0.3 (no change).
  CHECK(run(make_config(0.5, 0, 1e-4, 0, 0.3), 1.0, {1, 1, 1, 1}) == std::vector<double>{1, 0.5, 0.3, 0.3});
  // From 3e-8: 3e-8 - 1.5e-8 > 1e-8 is applied; 1.5e-8 - 7.5e-9 <= 1e-8 is skipped thereafter.
  CHECK(run(make_config(0.5, 0, 1e-4, 0, 0.0), 3e-8, {1, 1, 1, 1}) ==
        std::vector<double>{3e-8, 1.5e-8, 1.5e-8, 1.5e-8});
}

TEST_CASE("a NaN loss is never an improvement", "[plateau]") {
  // patience 1, factor 0.5: 1 best | NaN bad 1 | NaN bad 2 -> 0.5 | 0.5 best | NaN bad 1
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(run(make_config(0.5, 1, 1e-4, 0, 0.0), 1.0, {1, nan, nan, 0.5, nan}) ==
        std::vector<double>{1, 1, 0.5, 0.5, 0.5});
}

TEST_CASE("restored state continues exactly where it left off", "[plateau]") {
  const SchedulerConfig config = make_config(0.8, 2, 1e-3, 1, 0.0);
  const std::vector<double> losses{3, 2.9, 2.9, 2.9, 2.9, 2.5, 2.5, 2.5, 2.5, 2.5, 2.4};
  const auto straight = run(config, 1.0, losses);
  for (size_t k = 0; k <= losses.size(); ++k) {
    PlateauScheduler first(config);
    double lr = 1.0;
    std::vector<double> lrs;
    for (size_t i = 0; i < k; ++i) lrs.push_back(lr = first.step(losses[i], lr));
    PlateauScheduler second(config);
    second.restore(first.state());
    for (size_t i = k; i < losses.size(); ++i) lrs.push_back(lr = second.step(losses[i], lr));
    CHECK(lrs == straight);
  }
}

TEST_CASE("impossible scheduler settings are rejected", "[plateau]") {
  CHECK_THROWS_AS(PlateauScheduler(make_config(1.0, 3, 1e-4, 0, 0)), std::invalid_argument);
  CHECK_THROWS_AS(PlateauScheduler(make_config(0.5, -1, 1e-4, 0, 0)), std::invalid_argument);
  CHECK_THROWS_AS(PlateauScheduler(make_config(0.5, 3, -1, 0, 0)), std::invalid_argument);
}
