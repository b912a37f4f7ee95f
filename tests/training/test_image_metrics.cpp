// PSNR and L1 per image on constructed pairs with known errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "training/image_metrics.h"

TEST_CASE("PSNR for a known MSE, per image", "[metrics]") {
  const auto target = torch::full({2, 3, 8, 6}, 0.5);
  auto pred = target.clone();
  pred[0] += 0.1;  // MSE 0.01 -> 20 dB
  // image 1: a checkerboard of +-0.05 -> MSE 0.0025 -> 10 log10(400) dB
  const auto checker = (torch::arange(6).view({1, 6}) + torch::arange(8).view({8, 1})).remainder(2) * 0.1 - 0.05;
  pred[1] += checker;
  const auto values = bokeh::training::psnr(pred, target);
  REQUIRE(values.sizes() == torch::IntArrayRef({2}));
  CHECK(values[0].item<double>() == Approx(20.0).epsilon(1e-5));
  CHECK(values[1].item<double>() == Approx(10.0 * std::log10(400.0)).epsilon(1e-5));
}

TEST_CASE("PSNR is infinite for identical images", "[metrics]") {
  const auto x = torch::rand({1, 3, 4, 4});
  CHECK(std::isinf(bokeh::training::psnr(x, x).item<double>()));
}

TEST_CASE("L1 is the mean absolute error per image", "[metrics]") {
  const auto target = torch::zeros({2, 3, 2, 2});
  auto pred = target.clone();
  pred[0][0][0][0] = 1.2;  // one of 12 values off by 1.2 -> 0.1
  pred[1] -= 0.25;         // all off by 0.25
  const auto values = bokeh::training::l1_error(pred, target);
  CHECK(values[0].item<double>() == Approx(0.1));
  CHECK(values[1].item<double>() == Approx(0.25));
  CHECK_THROWS_AS(bokeh::training::l1_error(pred, torch::zeros({2, 3, 2, 3})), std::invalid_argument);
}
