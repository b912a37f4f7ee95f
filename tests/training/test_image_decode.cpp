// Image decoding for the cache: the DCT scale choice and centred crop by hand, the scaled JPEG
// decode against a full decode + resize (tolerance stated below), libjpeg-turbo against stb_image,
// grayscale and CMYK JPEGs, all eight EXIF orientations, and corrupt, truncated and non-image files
// refused with their name; the thread pool's order and error reporting.
#include <atomic>
#include <cmath>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "support/temp_dir.h"
#include "training/data/image_io.h"
#include "training/data/jpeg_decoder.h"
#include "training/data/parallel_jobs.h"
#include "training/data/synthetic_renderer.h"
#include "training/jpeg_fixtures.h"

using namespace bokeh::training;
using namespace bokeh::common;
using bokeh::test::TempDir;
namespace fs = std::filesystem;

namespace {

struct Difference {
  double mean = 0, max = 0, psnr = 0;
};

Difference difference(const Image& a, const Image& b) {
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  double sum = 0, squares = 0, max = 0;
  for (size_t i = 0; i < a.rgb.size(); ++i) {
    const double d = std::abs(double(a.rgb[i]) - double(b.rgb[i]));
    sum += d, squares += d * d, max = std::max(max, d);
  }
  const double n = static_cast<double>(a.rgb.size());
  return {sum / n, max, 10 * std::log10(255.0 * 255.0 / std::max(squares / n, 1e-12))};
}

// An EBB!-like photo: a synthetic scene rendered at 192x192, enlarged to width x height.
Image photo(int64_t width, int64_t height, int64_t index) {
  SyntheticConfig s;
  s.size = 192;
  return resize_image(render_synthetic_pair(s, index).original, width, height);
}

// width x height in four flat quadrants: red top-left, green top-right, blue bottom-left, white bottom-right.
const uint8_t kQuadrant[4][3] = {{220, 30, 30}, {30, 220, 30}, {30, 30, 220}, {235, 235, 235}};
enum { R, G, B, W };
std::vector<uint8_t> quadrants(int width, int height) {
  std::vector<uint8_t> rgb;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const uint8_t* c = kQuadrant[(y >= height / 2) * 2 + (x >= width / 2)];
      rgb.insert(rgb.end(), c, c + 3);
    }
  return rgb;
}

// The colour at the centre of each displayed quadrant (TL, TR, BL, BR) is within 12 levels of `expected`.
void check_quadrants(const Image& image, const int (&expected)[4]) {
  for (int q = 0; q < 4; ++q) {
    const int64_t x = image.width / 4 + (q % 2) * image.width / 2, y = image.height / 4 + (q / 2) * image.height / 2;
    for (int c = 0; c < 3; ++c) {
      INFO("quadrant " << q << " channel " << c);
      CHECK(std::abs(int(image.rgb[size_t((y * image.width + x) * 3 + c)]) - int(kQuadrant[expected[q]][c])) <= 12);
    }
  }
}

}  // namespace

TEST_CASE("the centred crop keeps the target's aspect, rounded to whole pixels", "[decode]") {
  const CropBox same = centred_crop(1536, 1024, 384, 256);
  CHECK((same.x == 0 && same.y == 0 && same.width == 1536 && same.height == 1024));
  const CropBox wide = centred_crop(40, 20, 15, 10);  // 2:1 into 3:2: 30 of the 40 columns, centred
  CHECK((wide.x == 5 && wide.y == 0 && wide.width == 30 && wide.height == 20));
  const CropBox tall = centred_crop(1024, 1536, 384, 256);  // portrait into landscape: 1024 x 683, centred
  CHECK((tall.x == 0 && tall.y == 426 && tall.width == 1024 && tall.height == 683));
  const CropBox nearly = centred_crop(1536, 1022, 384, 256);  // 1533 = round(1022 * 1.5)
  CHECK((nearly.x == 1 && nearly.width == 1533 && nearly.height == 1022));
}

TEST_CASE("the JPEG scale is the smallest 1/8, 1/4, 1/2 whose crop still covers the target", "[decode]") {
  CHECK(choose_jpeg_scale(1536, 1024, 384, 256) == 4);  // EBB! for the study's 256x384: exactly a quarter
  CHECK(choose_jpeg_scale(1536, 1024, 385, 256) == 2);  // one column more: a quarter is too small
  CHECK(choose_jpeg_scale(1536, 1024, 192, 128) == 8);
  CHECK(choose_jpeg_scale(1536, 1024, 128, 128) == 8);  // 1/8: 192x128, its square crop 128x128
  CHECK(choose_jpeg_scale(1536, 1024, 129, 129) == 4);
  CHECK(choose_jpeg_scale(1537, 1025, 193, 129) == 8);  // libjpeg rounds scaled sides up: 193x129
  CHECK(choose_jpeg_scale(1536, 1024, 1536, 1024) == 1);
  CHECK(choose_jpeg_scale(640, 480, 1280, 960) == 1);   // enlarging: full size
  CHECK(choose_jpeg_scale(1024, 1536, 384, 256) == 2);  // portrait: the 2:3 crop of 1/4 is 256x171, too short
}

TEST_CASE("a JPEG decoded in the DCT domain equals a full decode followed by the same fit", "[decode]") {
  // Tolerance: the scaled IDCT is libjpeg's own reduction filter, not Mitchell-Netravali, so the
  // two differ by filter shape (both sample the same region of the picture, crops included).
  // Measured here: mean absolute difference 0.4-1.9 levels, PSNR 38.8-52 dB (the largest gap at 1/8,
  // where libjpeg keeps only each block's mean). Required: mean <= 2.5 levels and PSNR >= 36 dB.
  TempDir dir;
  const Image source = photo(768, 512, 3);
  const fs::path stb444 = dir.path() / "stb444.jpg";
  write_image(stb444, source);
  const fs::path turbo420 = dir.path() / "turbo420.jpg";
  bokeh::test::write_bytes(turbo420, bokeh::test::encode_jpeg(source.rgb, 768, 512, TJPF_RGB, TJSAMP_420));
  struct Target {
    int64_t width, height;
    int scale;
  };
  for (const fs::path& file : {stb444, turbo420}) {
    for (const Target t : {Target{192, 128, 4}, Target{96, 64, 8}, Target{160, 120, 4}, Target{300, 200, 2}}) {
      INFO(file.filename().string() << " -> " << t.width << "x" << t.height);
      REQUIRE(choose_jpeg_scale(768, 512, t.width, t.height) == t.scale);
      const Image scaled = read_image_fitted(file, t.width, t.height);
      const Image full = fit_image(read_image(file), t.width, t.height);
      const Difference d = difference(scaled, full);
      CHECK(d.mean <= 2.5);
      CHECK(d.psnr >= 36.0);
    }
  }
}

TEST_CASE("libjpeg-turbo and stb_image decode the same JPEG to within IDCT rounding", "[decode]") {
  TempDir dir;
  const fs::path file = dir.path() / "photo.jpg";
  write_image(file, photo(300, 200, 1));
  const Difference d = difference(read_image(file), read_image_with_stb(file));
  CHECK(d.mean <= 0.05);  // measured: 0.004, at most 2 levels apart
  CHECK(d.max <= 3);
}

TEST_CASE("grayscale and CMYK JPEGs come out as RGB", "[decode]") {
  TempDir dir;
  SECTION("grayscale: R = G = B = the stored gray") {
    std::vector<uint8_t> gray(64 * 48);
    for (size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<uint8_t>(40 + (i % 64) * 2);  // a ramp
    const fs::path file = dir.path() / "gray.jpg";
    bokeh::test::write_bytes(file, bokeh::test::encode_jpeg(gray, 64, 48, TJPF_GRAY, TJSAMP_GRAY));
    const Image image = read_image(file);
    REQUIRE((image.width == 64 && image.height == 48));
    for (size_t i = 0; i < gray.size(); ++i) {
      CHECK(image.rgb[i * 3] == image.rgb[i * 3 + 1]);
      CHECK(image.rgb[i * 3] == image.rgb[i * 3 + 2]);
      CHECK(std::abs(int(image.rgb[i * 3]) - int(gray[i])) <= 3);
    }
    CHECK(read_image_fitted(file, 16, 12).width == 16);
  }
  SECTION("CMYK in Adobe's inverted convention: stored (r, g, b, 255) is the colour (r, g, b)") {
    std::vector<uint8_t> cmyk;
    for (int i = 0; i < 64 * 48; ++i) cmyk.insert(cmyk.end(), {200, 120, 40, 255});
    const fs::path file = dir.path() / "cmyk.jpg";
    bokeh::test::write_bytes(file, bokeh::test::encode_jpeg(cmyk, 64, 48, TJPF_CMYK, TJSAMP_444));
    const Image image = read_image(file);
    REQUIRE((image.width == 64 && image.height == 48));
    const Image stb = read_image_with_stb(file);  // a second implementation of the same convention
    for (size_t i = 0; i < image.rgb.size(); i += 3) {
      CHECK(std::abs(int(image.rgb[i]) - 200) <= 3);
      CHECK(std::abs(int(image.rgb[i + 1]) - 120) <= 3);
      CHECK(std::abs(int(image.rgb[i + 2]) - 40) <= 3);
    }
    CHECK(difference(image, stb).max <= 3);
    CHECK(read_image_fitted(file, 8, 6).width == 8);
  }
}

TEST_CASE("every EXIF orientation is applied, to the pixels and to the size", "[decode]") {
  TempDir dir;
  const std::vector<uint8_t> plain = bokeh::test::encode_jpeg(quadrants(64, 32), 64, 32, TJPF_RGB, TJSAMP_444);
  // The displayed quadrants (TL, TR, BL, BR) of a stored red/green over blue/white image, per the
  // EXIF definitions: 2 mirrors left-right, 3 turns 180, 4 mirrors top-bottom, 5 transposes,
  // 6 turns 90 clockwise, 7 transverses, 8 turns 90 counter-clockwise.
  const int expected[9][4] = {{},           {R, G, B, W}, {G, R, W, B}, {W, B, G, R}, {B, W, R, G},
                              {R, B, G, W}, {B, R, W, G}, {W, G, B, R}, {G, W, R, B}};
  for (int orientation = 1; orientation <= 8; ++orientation) {
    for (bool big_endian : {true, false}) {
      INFO("orientation " << orientation << (big_endian ? " (MM)" : " (II)"));
      const fs::path file = dir.path() / ("o" + std::to_string(orientation) + (big_endian ? "m" : "i") + ".jpg");
      bokeh::test::write_bytes(file, bokeh::test::with_exif_orientation(plain, orientation, big_endian));
      const bool swapped = orientation >= 5;
      const Image image = read_image(file);
      CHECK(image.width == (swapped ? 32 : 64));
      CHECK(image.height == (swapped ? 64 : 32));
      CHECK(read_image_size(file) == std::pair<int64_t, int64_t>(image.width, image.height));
      check_quadrants(image, expected[orientation]);
      check_quadrants(read_image_fitted(file, image.width / 2, image.height / 2), expected[orientation]);
    }
  }
}

TEST_CASE("an image of another aspect is centre-cropped to the target's, not stretched", "[decode]") {
  TempDir dir;
  // 120x40 (3:1): 15 red columns, 90 green, 15 red. Any 3:2 target's crop is the middle 60 columns,
  // 15 columns clear of the red on each side, wider than the filter reaches at these scales.
  Image image{120, 40, {}};
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 120; ++x) {
      const bool edge = x < 15 || x >= 105;
      image.rgb.insert(image.rgb.end(), {uint8_t(edge ? 250 : 10), uint8_t(edge ? 10 : 250), 10});
    }
  const fs::path file = dir.path() / "wide.png";
  write_image(file, image);
  for (const auto& [w, h] : {std::pair<int64_t, int64_t>{60, 40}, {45, 30}, {30, 20}}) {
    INFO(w << "x" << h);
    const Image fitted = read_image_fitted(file, w, h);
    REQUIRE((fitted.width == w && fitted.height == h));
    for (size_t i = 0; i < fitted.rgb.size(); i += 3) {
      CHECK(fitted.rgb[i] == 10);
      CHECK(fitted.rgb[i + 1] == 250);
    }
  }
  CHECK(resize_image(image, 30, 20).rgb[0] == 250);  // stretching would keep the red edges
}

TEST_CASE("corrupt, truncated and non-image files are refused with their name", "[decode]") {
  TempDir dir;
  const std::vector<uint8_t> good = bokeh::test::encode_jpeg(photo(96, 64, 2).rgb, 96, 64, TJPF_RGB, TJSAMP_420);
  const fs::path file = dir.path() / "bad.jpg";
  SECTION("truncated: half the file") {
    bokeh::test::write_bytes(file, std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2));
    CHECK_THROWS_WITH(read_image(file), Catch::Contains(file.string()) && Catch::Contains("truncated"));
    CHECK_THROWS_WITH(read_image_fitted(file, 48, 32), Catch::Contains(file.string()));
  }
  SECTION("a damaged header (the frame's marker overwritten)") {
    std::vector<uint8_t> bytes = good;
    for (size_t i = 2; i + 1 < bytes.size(); ++i)
      if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) {
        bytes[i + 1] = 0x5A;
        break;
      }
    bokeh::test::write_bytes(file, bytes);
    CHECK_THROWS_WITH(read_image(file), Catch::Contains(file.string()));
    CHECK_THROWS_WITH(read_image_size(file), Catch::Contains(file.string()));
  }
  SECTION("not an image at all, and an empty file") {
    bokeh::test::write_bytes(file, {'h', 'e', 'l', 'l', 'o'});
    CHECK_THROWS_WITH(read_image(file), Catch::Contains(file.string()) && Catch::Contains("cannot decode"));
    bokeh::test::write_bytes(file, {});
    CHECK_THROWS_WITH(read_image_size(file), Catch::Contains(file.string()));
  }
  CHECK_THROWS_WITH(read_image(dir.path() / "missing.jpg"),
                    Catch::Contains("missing.jpg") && Catch::Contains("no such file"));
}

TEST_CASE("parallel jobs run every index once and report the lowest failing one", "[decode]") {
  std::vector<std::atomic<int>> runs(1000);
  run_parallel_jobs(1000, 4, [&](int64_t i) { ++runs[static_cast<size_t>(i)]; });
  for (const auto& r : runs) CHECK(r.load() == 1);

  for (int threads : {1, 2, 8}) {
    INFO(threads << " threads");
    std::atomic<int> started{0};
    CHECK_THROWS_WITH(run_parallel_jobs(500, threads,
                                        [&](int64_t i) {
                                          ++started;
                                          if (i == 137 || i == 300 || i == 451)
                                            throw std::runtime_error("job " + std::to_string(i));
                                        }),
                      "job 137");
    CHECK(started.load() >= 138);  // every job below the first failure ran
  }
  CHECK(machine_cores() >= 1);
}
