// build/metrics --masks on images the test writes: the focus figures per image and their mean next
// to the global ones (JSON against training/focus_metrics.h on the same pixels, and the table), and
// each bad mask input refused in one line with exit status 2.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/process_runner.h"
#include "training/data/image_io.h"
#include "training/data/image_tensor.h"
#include "training/focus_metrics.h"
#include "training/image_metrics.h"

namespace fs = std::filesystem;
using namespace bokeh::training;

namespace {
using bokeh::test::TempDir;

// A w x h image, each sample drawn by `sample(x, y, channel)`.
template <typename Sample>
Image image_of(int64_t w, int64_t h, Sample sample) {
  Image image{w, h, std::vector<uint8_t>(static_cast<size_t>(w * h * 3))};
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t c = 0; c < 3; ++c) image.rgb[static_cast<size_t>((y * w + x) * 3 + c)] = sample(x, y, c);
  return image;
}

// A grey w x h mask: 255 in columns [0, in_focus_columns), 0 beyond.
Image half_mask(int64_t w, int64_t h, int64_t in_focus_columns) {
  return image_of(w, h,
                  [&](int64_t x, int64_t, int64_t) { return static_cast<uint8_t>(x < in_focus_columns ? 255 : 0); });
}

// (1, 3, H, W) float64 in [0, 1] as the tool reads the file.
torch::Tensor unit_image(const fs::path& path) {
  return image_to_tensor(read_image(path)).unsqueeze(0).to(torch::kFloat64);
}

std::string in_quotes(const fs::path& path) { return "'" + path.string() + "'"; }

// Folders pred/, gt/ and masks/ with stems a (left half in focus) and b (all in focus), 24x20.
void write_masked_pairs(const fs::path& root) {
  for (const char* folder : {"pred", "gt", "masks"}) fs::create_directories(root / folder);
  std::mt19937 rng(5);
  for (const std::string stem : {"a", "b"}) {
    const Image target = image_of(24, 20, [&](int64_t, int64_t, int64_t) { return static_cast<uint8_t>(rng() % 256); });
    Image pred = target;
    for (auto& v : pred.rgb) v = static_cast<uint8_t>(std::clamp<int>(v + static_cast<int>(rng() % 41) - 20, 0, 255));
    write_image(root / "gt" / (stem + ".png"), target);
    write_image(root / "pred" / (stem + ".png"), pred);
    write_image(root / "masks" / (stem + ".png"), half_mask(24, 20, stem == "a" ? 12 : 24));
  }
}

// Exit status 2, one line on stderr holding every `expected` text, nothing on stdout.
void check_refused_in_one_line(const bokeh::test::ToolResult& result, const std::vector<std::string>& expected) {
  INFO(result.err);
  CHECK(result.status == 2);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  for (const auto& text : expected) CHECK_THAT(result.err, Catch::Contains(text));
  CHECK(result.out.empty());
}
}  // namespace

TEST_CASE("metrics --masks prints the focus figures per image and their mean next to the global ones",
          "[metrics_command]") {
  TempDir dir;
  write_masked_pairs(dir.path());
  const std::string folders = in_quotes(dir.path() / "pred") + " " + in_quotes(dir.path() / "gt");
  auto result =
      bokeh::test::run_tool(dir, "metrics", folders + " --masks " + in_quotes(dir.path() / "masks") + " --json");
  INFO(result.err);
  REQUIRE(result.status == 0);
  const auto json = nlohmann::json::parse(result.out);
  std::vector<FocusScores> expected;
  for (const std::string stem : {"a", "b"}) {
    const auto pred = unit_image(dir.path() / "pred" / (stem + ".png")),
               target = unit_image(dir.path() / "gt" / (stem + ".png"));
    const auto weights = unit_image(dir.path() / "masks" / (stem + ".png")).narrow(1, 0, 1);
    expected.push_back(focus_scores(pred, target, weights).at(0));
    const auto& row = json["pairs"][expected.size() - 1];
    REQUIRE(row["name"] == stem);
    CHECK(row["fg_psnr"].get<double>() == Approx(*expected.back().fg_psnr));
    CHECK(row["fg_ssim"].get<double>() == Approx(*expected.back().fg_ssim));
    if (stem == "a") {
      CHECK(row["bg_psnr"].get<double>() == Approx(*expected.back().bg_psnr));
      CHECK(row["bg_ssim"].get<double>() == Approx(*expected.back().bg_ssim));
      CHECK(row["bg_blur"].get<double>() == Approx(*expected.back().bg_blur));
    } else {  // all in focus: the global figures, and no background
      CHECK(row["fg_psnr"].get<double>() == Approx(row["psnr"].get<double>()));
      CHECK(row["fg_ssim"].get<double>() == Approx(row["ssim"].get<double>()));
      CHECK(row["bg_psnr"].is_null());
      CHECK(row["bg_ssim"].is_null());
      CHECK(row["bg_blur"].is_null());
    }
  }
  const auto& mean = json["mean"];
  CHECK(mean["fg_psnr"].get<double>() == Approx((*expected[0].fg_psnr + *expected[1].fg_psnr) / 2));
  CHECK(mean["bg_psnr"].get<double>() == Approx(*expected[0].bg_psnr));  // over the one image with a background
  CHECK(mean["psnr"].get<double>() ==
        Approx((json["pairs"][0]["psnr"].get<double>() + json["pairs"][1]["psnr"].get<double>()) / 2));

  result = bokeh::test::run_tool(dir, "metrics", folders + " --masks " + in_quotes(dir.path() / "masks"));
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, Catch::StartsWith("| image | PSNR (dB) | SSIM | L1 | LPIPS | FG_PSNR (dB) | BG_PSNR (dB) | "
                                           "FG_SSIM | BG_SSIM | BG_Blur (dB) |"));
  CHECK_THAT(result.out, Catch::Contains(fmt::format("| {:.4f} | – | {:.6f} | – | – |\n", *expected[1].fg_psnr,
                                                     *expected[1].fg_ssim)));
  CHECK_THAT(result.out, Catch::Contains("| mean of 2 |"));

  // One pair of files with one mask file.
  result =
      bokeh::test::run_tool(dir, "metrics",
                            in_quotes(dir.path() / "pred" / "a.png") + " " + in_quotes(dir.path() / "gt" / "a.png") +
                                " --json --masks " + in_quotes(dir.path() / "masks" / "a.png"));
  REQUIRE(result.status == 0);
  CHECK(nlohmann::json::parse(result.out)["pairs"][0]["fg_psnr"].get<double>() == Approx(*expected[0].fg_psnr));
}

TEST_CASE("metrics --masks refuses a missing folder, a stem without a mask, a mask of another size or in colour",
          "[metrics_command]") {
  TempDir dir;
  write_masked_pairs(dir.path());
  const std::string folders = in_quotes(dir.path() / "pred") + " " + in_quotes(dir.path() / "gt") + " --masks ";
  check_refused_in_one_line(bokeh::test::run_tool(dir, "metrics", folders + in_quotes(dir.path() / "nowhere")),
                            {(dir.path() / "nowhere").string(), "no such file or folder"});

  fs::remove(dir.path() / "masks" / "b.png");
  check_refused_in_one_line(bokeh::test::run_tool(dir, "metrics", folders + in_quotes(dir.path() / "masks")),
                            {(dir.path() / "pred" / "b.png").string(), "no mask with stem 'b'"});

  write_image(dir.path() / "masks" / "b.png", half_mask(24, 18, 10));
  check_refused_in_one_line(bokeh::test::run_tool(dir, "metrics", folders + in_quotes(dir.path() / "masks")),
                            {(dir.path() / "masks" / "b.png").string(), "24x18 mask for 24x20 images"});

  Image colour = half_mask(24, 20, 10);
  colour.rgb[(3 * 24 + 5) * 3 + 1] = 7;  // pixel x 5 y 3: green differs
  write_image(dir.path() / "masks" / "b.png", colour);
  check_refused_in_one_line(bokeh::test::run_tool(dir, "metrics", folders + in_quotes(dir.path() / "masks")),
                            {(dir.path() / "masks" / "b.png").string(), "not a grayscale mask", "x 5 y 3"});
}
