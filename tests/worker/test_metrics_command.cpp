// build/metrics on images the test writes: values against the library functions, table and JSON
// output, and its errors (size mismatch, unmatched stems, bad weights file).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/process_runner.h"
#include "worker/data/image_io.h"
#include "worker/data/image_tensor.h"
#include "worker/image_metrics.h"
#include "worker/lpips.h"
#include "worker/ssim.h"

namespace fs = std::filesystem;
using namespace bokeh::worker;
using namespace bokeh::common;

namespace {
using bokeh::test::TempDir;
using bokeh::test::ToolResult;

ToolResult run_metrics(const TempDir& dir, const std::string& arguments) {
  return bokeh::test::run_tool(dir, "metrics", arguments);
}

// A random image of size w x h written to `path`, and the tensor read back from the file.
void write_random(const fs::path& path, int64_t w, int64_t h, std::mt19937& rng) {
  Image image{w, h, std::vector<uint8_t>(static_cast<size_t>(w * h * 3))};
  for (auto& v : image.rgb) v = static_cast<uint8_t>(rng() % 256);
  write_image(path, image);
}

// (1, 3, H, W) float from a file, as the tool sees it
torch::Tensor load(const fs::path& path) { return image_to_tensor(read_image(path)).unsqueeze(0); }

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }
}  // namespace

TEST_CASE("metrics on two folders matched by stem: JSON values equal the library's", "[metrics_command]") {
  TempDir dir;
  fs::create_directories(dir.path() / "pred");
  fs::create_directories(dir.path() / "gt");
  std::mt19937 rng(1);
  const std::vector<std::string> stems = {"a", "b", "c"};
  for (const auto& stem : stems) {
    write_random(dir.path() / "gt" / (stem + ".png"), 40, 36, rng);
    // predictions: the target plus a little noise, one of them a JPEG
    auto target = read_image(dir.path() / "gt" / (stem + ".png"));
    for (auto& v : target.rgb) v = static_cast<uint8_t>(std::clamp<int>(v + static_cast<int>(rng() % 21) - 10, 0, 255));
    write_image(dir.path() / "pred" / (stem + (stem == "b" ? ".jpg" : ".png")), target);
  }
  std::ofstream(dir.path() / "pred" / "notes.txt") << "not an image, ignored";
  save_lpips_weights(dir.path() / "lpips.bin", random_lpips_weights(3));
  Lpips lpips(dir.path() / "lpips.bin");

  const auto result = run_metrics(dir, quoted(dir.path() / "pred") + " " + quoted(dir.path() / "gt") +
                                           " --json --lpips-weights " + quoted(dir.path() / "lpips.bin"));
  INFO(result.err);
  REQUIRE(result.status == 0);
  const auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["count"] == 3);
  double psnr_sum = 0, ssim_sum = 0, l1_sum = 0, lpips_sum = 0;
  for (size_t i = 0; i < stems.size(); ++i) {
    const auto& row = json["pairs"][i];
    CHECK(row["name"] == stems[i]);
    const auto pred = load(row["pred"].get<std::string>());
    const auto target = load(dir.path() / "gt" / (stems[i] + ".png"));
    const double p = psnr(pred.to(torch::kFloat64), target.to(torch::kFloat64)).item<double>();
    const double s = ssim(pred.to(torch::kFloat64), target.to(torch::kFloat64)).item<double>();
    const double l = l1_error(pred.to(torch::kFloat64), target.to(torch::kFloat64)).item<double>();
    torch::NoGradGuard no_grad;
    const double d = lpips->forward(pred, target).item<double>();
    CHECK(row["psnr"].get<double>() == Approx(p));
    CHECK(row["ssim"].get<double>() == Approx(s));
    CHECK(row["l1"].get<double>() == Approx(l));
    CHECK(row["lpips"].get<double>() == Approx(d));
    CHECK(p > 20.0);  // noise of at most 10 levels
    psnr_sum += p, ssim_sum += s, l1_sum += l, lpips_sum += d;
  }
  CHECK(json["mean"]["psnr"].get<double>() == Approx(psnr_sum / 3));
  CHECK(json["mean"]["ssim"].get<double>() == Approx(ssim_sum / 3));
  CHECK(json["mean"]["l1"].get<double>() == Approx(l1_sum / 3));
  CHECK(json["mean"]["lpips"].get<double>() == Approx(lpips_sum / 3));
}

TEST_CASE("metrics on two files prints a markdown table, LPIPS as '–' without weights", "[metrics_command]") {
  TempDir dir;
  std::mt19937 rng(2);
  write_random(dir.path() / "out.png", 24, 20, rng);
  write_random(dir.path() / "truth.png", 24, 20, rng);
  const auto result = run_metrics(dir, quoted(dir.path() / "out.png") + " " + quoted(dir.path() / "truth.png"));
  INFO(result.err);
  REQUIRE(result.status == 0);
  const auto pred = load(dir.path() / "out.png").to(torch::kFloat64);
  const auto target = load(dir.path() / "truth.png").to(torch::kFloat64);
  const std::string row = fmt::format("| out | {:.4f} | {:.6f} | {:.6f} | – |", psnr(pred, target).item<double>(),
                                      ssim(pred, target).item<double>(), l1_error(pred, target).item<double>());
  CHECK_THAT(result.out, Catch::StartsWith("| image | PSNR (dB) | SSIM | L1 | LPIPS |"));
  CHECK_THAT(result.out, Catch::Contains(row + "\n"));
  CHECK_THAT(result.out, Catch::Contains(row.substr(row.find(" |")).insert(0, "| mean of 1")));
}

TEST_CASE("metrics errors name the offending file", "[metrics_command]") {
  TempDir dir;
  fs::create_directories(dir.path() / "pred");
  fs::create_directories(dir.path() / "gt");
  std::mt19937 rng(3);
  write_random(dir.path() / "pred" / "x.png", 16, 16, rng);
  write_random(dir.path() / "gt" / "x.png", 16, 18, rng);
  auto result = run_metrics(dir, quoted(dir.path() / "pred") + " " + quoted(dir.path() / "gt"));
  CHECK(result.status != 0);
  CHECK_THAT(result.err, Catch::Contains((dir.path() / "pred" / "x.png").string()) && Catch::Contains("16x18"));

  write_random(dir.path() / "gt" / "x.png", 16, 16, rng);
  write_random(dir.path() / "gt" / "y.png", 16, 16, rng);
  result = run_metrics(dir, quoted(dir.path() / "pred") + " " + quoted(dir.path() / "gt"));
  CHECK(result.status != 0);
  CHECK_THAT(result.err, Catch::Contains((dir.path() / "gt" / "y.png").string()) && Catch::Contains("'y'"));

  std::ofstream(dir.path() / "bad.bin") << "nonsense";
  result = run_metrics(dir, quoted(dir.path() / "pred" / "x.png") + " " + quoted(dir.path() / "gt" / "x.png") +
                                " --lpips-weights " + quoted(dir.path() / "bad.bin"));
  CHECK(result.status != 0);
  CHECK_THAT(result.err, Catch::Contains("bad.bin"));
  CHECK(result.out.empty());
}
