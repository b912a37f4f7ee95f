// The in-focus mask and the focus-weighted pyramid L1 on constructed inputs, with values worked by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "training/focus_l1.h"

using bokeh::common::FocusL1Config;
using torch::indexing::Slice;

namespace {
// (1, 3, 4, 4) image whose every row is `columns` (the same in each channel).
torch::Tensor column_image(std::vector<double> columns) {
  return torch::tensor(columns, torch::kFloat64).view({1, 1, 1, 4}).expand({1, 3, 4, 4}).contiguous();
}
}  // namespace

TEST_CASE("focus mask is ~1 where input equals target and ~0 where they differ strongly", "[focus_l1]") {
  torch::manual_seed(1);
  const auto input = torch::rand({2, 3, 32, 32});
  auto target = input.clone();
  target.index_put_({Slice(), Slice(), Slice(), Slice(16, 32)},
                    1.0 - input.index({Slice(), Slice(), Slice(), Slice(16, 32)}));
  const auto mask = bokeh::training::focus_mask(input, target, FocusL1Config{});
  REQUIRE(mask.sizes() == torch::IntArrayRef({2, 1, 32, 32}));
  CHECK(mask.index({Slice(), Slice(), Slice(), Slice(0, 14)}).min().item<double>() == Approx(1.0));
  CHECK(mask.index({Slice(), Slice(), Slice(), Slice(18, 32)}).max().item<double>() < 0.01);
  CHECK_FALSE(mask.requires_grad());
}

TEST_CASE("focus mask of a tiny case, by hand", "[focus_l1]") {
  // d per column = [0, 0, 0, 0.2]; blurred along the row with [1 4 6 4 1]/16 and replicated edges:
  // [0, 0.2/16, 5 * 0.2/16, 11 * 0.2/16]; mask = exp(-blurred / 0.05)
  const auto input = column_image({0.5, 0.5, 0.5, 0.5});
  const auto target = column_image({0.5, 0.5, 0.5, 0.7});
  const auto mask = bokeh::training::focus_mask(input, target, FocusL1Config{3, 4.0, 0.05});
  const double expected[4] = {1.0, std::exp(-0.25), std::exp(-1.25), std::exp(-2.75)};
  for (int64_t row = 0; row < 4; ++row)
    for (int64_t col = 0; col < 4; ++col) CHECK(mask[0][0][row][col].item<double>() == Approx(expected[col]));
}

TEST_CASE("focus L1 at one level: the in-focus-weighted mean error, by hand", "[focus_l1]") {
  const auto input = column_image({0.5, 0.5, 0.5, 0.5});
  const auto target = column_image({0.5, 0.5, 0.5, 0.7});
  const auto prediction = column_image({0.6, 0.5, 0.5, 0.4});  // errors per column [0.1, 0, 0, 0.3]
  // weights 1 + 3 * mask per column, from the mask worked out above
  const double w[4] = {4.0, 1 + 3 * std::exp(-0.25), 1 + 3 * std::exp(-1.25), 1 + 3 * std::exp(-2.75)};
  const double expected = (w[0] * 0.1 + w[3] * 0.3) / (w[0] + w[1] + w[2] + w[3]);
  const auto value = bokeh::training::focus_l1(prediction, target, input, FocusL1Config{1, 4.0, 0.05});
  REQUIRE(value.sizes() == torch::IntArrayRef({1}));
  CHECK(value.item<double>() == Approx(expected));
}

TEST_CASE("focus L1 over two pyramid levels, by hand", "[focus_l1]") {
  // input == target: uniform weights. Errors per column [0.4, 0, 0, 0]: level 0 mean 0.1; level 1
  // blurs to column 0: (1+4+6) * 0.4/16 = 0.275, column 2: 0.4/16 = 0.025, keeps those two: mean 0.15.
  const auto target = column_image({0.2, 0.2, 0.2, 0.2});
  const auto prediction = column_image({0.6, 0.2, 0.2, 0.2});
  const auto value = bokeh::training::focus_l1(prediction, target, target, FocusL1Config{2, 4.0, 0.05});
  CHECK(value.item<double>() == Approx((0.1 + 0.15) / 2));
  // a single level with a uniform mask is plain L1, whatever the in-focus weight
  CHECK(bokeh::training::focus_l1(prediction, target, target, FocusL1Config{1, 7.0, 0.05}).item<double>() ==
        Approx(0.1));
}

TEST_CASE("pyramid_down halves the size, rounding up, and keeps constants", "[focus_l1]") {
  const auto x = torch::full({1, 2, 9, 6}, 0.3);
  const auto down = bokeh::training::pyramid_down(x);
  CHECK(down.sizes() == torch::IntArrayRef({1, 2, 5, 3}));
  CHECK(torch::allclose(down, torch::full({1, 2, 5, 3}, 0.3)));
}

TEST_CASE("errors in focus cost more than the same errors in the background, gradients reach the prediction",
          "[focus_l1]") {
  torch::manual_seed(2);
  const auto input = torch::rand({1, 3, 32, 32});
  auto target = input.clone();
  const auto right = Slice(16, 32), left = Slice(0, 16);
  target.index_put_({Slice(), Slice(), Slice(), right}, 1.0 - input.index({Slice(), Slice(), Slice(), right}));
  auto error_at = [&](Slice where) {
    auto prediction = target.clone();
    prediction.index({Slice(), Slice(), Slice(8, 24), where}).add_(0.1);
    return bokeh::training::focus_l1(prediction, target, input, FocusL1Config{}).item<double>();
  };
  CHECK(error_at(left) > 2.0 * error_at(right));

  auto prediction = torch::rand({1, 3, 32, 32}).requires_grad_(true);
  bokeh::training::focus_l1(prediction, target, input, FocusL1Config{}).sum().backward();
  REQUIRE(prediction.grad().defined());
  CHECK(prediction.grad().abs().sum().item<double>() > 0);
}

TEST_CASE("focus L1 rejects bad configs and shapes", "[focus_l1]") {
  const auto x = torch::rand({1, 3, 8, 8});
  CHECK_THROWS_AS(bokeh::training::focus_l1(x, x, x, FocusL1Config{0, 4.0, 0.05}), std::invalid_argument);
  CHECK_THROWS_AS(bokeh::training::focus_l1(x, x, x, FocusL1Config{3, 4.0, 0.0}), std::invalid_argument);
  CHECK_THROWS_AS(bokeh::training::focus_l1(x, x, torch::rand({1, 3, 8, 9}), FocusL1Config{}), std::invalid_argument);
}
