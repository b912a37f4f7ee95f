// 16-bit PNGs (written by hand: training/png16_fixtures.h): the 8-bit pipeline (the data reader,
// render) rounds every sample to the nearest of 256 levels, round(v * 255 / 65535), where stb alone
// would keep the high byte; read_image_16 (metrics) keeps every bit and widens 8-bit files exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "support/temp_dir.h"
#include "training/data/image_io.h"
#include "training/png16_fixtures.h"

using namespace bokeh::training;
using bokeh::test::TempDir;
using bokeh::test::write_png16;

namespace {
// Every 16-bit value once (and a few twice): 256 x 86 pixels hold 66048 samples.
constexpr int64_t kWidth = 256, kHeight = 86;
std::vector<uint16_t> every_value() {
  std::vector<uint16_t> rgb(static_cast<size_t>(kWidth * kHeight * 3));
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint16_t>(i % 65536);
  return rgb;
}
}  // namespace

TEST_CASE("a 16-bit PNG is read into the 8-bit pipeline rounded, not truncated", "[png16]") {
  TempDir dir;
  const auto file = dir.path() / "wide.png";
  const std::vector<uint16_t> wide = every_value();
  write_png16(file, kWidth, kHeight, wide);
  const Image image = read_image(file);
  REQUIRE(image.width == kWidth);
  REQUIRE(image.height == kHeight);
  int wrong = 0;
  for (size_t i = 0; i < wide.size(); ++i)
    wrong += image.rgb[i] != static_cast<uint8_t>(std::lround(wide[i] * 255.0 / 65535.0));
  CHECK(wrong == 0);
  CHECK(image.rgb[255] == 1);  // 255 / 257 = 0.992: the high byte alone would say 0
  CHECK(read_image_with_stb(file).rgb == image.rgb);
  CHECK(read_image_fitted(file, kWidth, kHeight).rgb == image.rgb);  // the data reader's path
  CHECK(read_image_size(file) == std::pair<int64_t, int64_t>(kWidth, kHeight));
}

TEST_CASE("read_image_16 keeps a 16-bit PNG's samples and widens 8-bit files exactly", "[png16]") {
  TempDir dir;
  const std::vector<uint16_t> wide = every_value();
  write_png16(dir.path() / "wide.png", kWidth, kHeight, wide);
  const Image16 read = read_image_16(dir.path() / "wide.png");
  CHECK(read.width == kWidth);
  CHECK(read.height == kHeight);
  CHECK(read.rgb == wide);

  const Image eight = read_image(dir.path() / "wide.png");
  write_image(dir.path() / "eight.png", eight);
  const Image16 widened = read_image_16(dir.path() / "eight.png");
  REQUIRE(widened.rgb.size() == eight.rgb.size());
  int wrong = 0;
  for (size_t i = 0; i < eight.rgb.size(); ++i) {
    wrong += widened.rgb[i] != eight.rgb[i] * 257;
    wrong += widened.rgb[i] / 65535.0 != eight.rgb[i] / 255.0;  // the same value in [0, 1], to the bit
  }
  CHECK(wrong == 0);
}
