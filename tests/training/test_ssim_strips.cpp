// SSIM in row strips (training/ssim_strips.h) against the whole-image ssim: equal to rounding for any
// strip height (strips that divide the map's rows evenly or not, one row, one strip for all), on
// float64 values and on 16-bit samples scaled by 1 / 65535.
#include <catch2/catch.hpp>

#include "training/ssim.h"
#include "training/ssim_strips.h"

using namespace bokeh::training;

TEST_CASE("SSIM in row strips equals the whole-image SSIM", "[ssim]") {
  torch::manual_seed(7);
  const auto x = torch::rand({3, 53, 41}, torch::kFloat64);  // a 43-row SSIM map
  const auto y = (x + 0.2 * torch::randn({3, 53, 41}, torch::kFloat64)).clamp(0, 1);
  const double whole = ssim(x.unsqueeze(0), y.unsqueeze(0)).item<double>();
  REQUIRE(whole < 0.9);
  for (const int64_t strip_rows : {1, 5, 10, 43, 1000}) {
    INFO("strip_rows " << strip_rows);
    CHECK(ssim_in_strips(x, y, 1.0, strip_rows) == Approx(whole).epsilon(1e-12));
  }
}

TEST_CASE("SSIM in strips reads 16-bit samples through a permuted view, scaled by 1 / 65535", "[ssim]") {
  torch::manual_seed(8);
  const auto hwc_x = torch::randint(0, 65536, {29, 37, 3}, torch::kInt32);
  const auto hwc_y = (hwc_x + torch::randint(-3000, 3000, {29, 37, 3}, torch::kInt32)).clamp(0, 65535);
  const auto x16 = hwc_x.to(torch::kUInt16), y16 = hwc_y.to(torch::kUInt16);  // interleaved, as decoded
  const auto to_unit = [](const torch::Tensor& hwc) {
    return hwc.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat64) / 65535;
  };
  const double whole = ssim(to_unit(hwc_x), to_unit(hwc_y)).item<double>();
  CHECK(ssim_in_strips(x16.permute({2, 0, 1}), y16.permute({2, 0, 1}), 1 / 65535.0, 4) == Approx(whole).epsilon(1e-12));
}

TEST_CASE("SSIM in strips refuses images under 11x11 like ssim", "[ssim]") {
  CHECK_THROWS_WITH(ssim_in_strips(torch::rand({3, 10, 20}), torch::rand({3, 10, 20}), 1.0, 8),
                    Catch::Contains("at least 11x11"));
  CHECK_THROWS_AS(ssim_in_strips(torch::rand({3, 12, 12}), torch::rand({3, 12, 13}), 1.0, 8), std::invalid_argument);
}
