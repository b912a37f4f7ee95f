// build/metrics on images the test writes: values against the library functions, table and JSON
// output, and its errors (size mismatch, unmatched stems, bad weights file).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/process_runner.h"
#include "training/data/image_io.h"
#include "training/data/image_tensor.h"
#include "training/image_metrics.h"
#include "training/lpips.h"
#include "training/png16_fixtures.h"
#include "training/ssim.h"

namespace fs = std::filesystem;
using namespace bokeh::training;
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

// (1, 3, H, W) float64 in [0, 1] from interleaved 16-bit samples
torch::Tensor unit_tensor(const std::vector<uint16_t>& rgb, int64_t w, int64_t h) {
  std::vector<double> values(rgb.begin(), rgb.end());
  return torch::tensor(values, torch::kFloat64).reshape({h, w, 3}).permute({2, 0, 1}).unsqueeze(0) / 65535.0;
}

// The peak resident memory of one run of build/metrics on `pred` and `target`, in MiB (wait4's
// ru_maxrss of that child alone); stdout is dropped. Requires a zero exit.
long metrics_peak_mib(const fs::path& pred, const fs::path& target) {
  const std::string exe = (fs::path(BOKEH_BUILD_DIR) / "metrics").string();
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    execl(exe.c_str(), exe.c_str(), pred.c_str(), target.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  REQUIRE(bokeh::test::exit_status_of(status) == 0);
  return usage.ru_maxrss / 1024;
}

// A w x h image of one grey level.
Image flat(int64_t w, int64_t h, uint8_t level) {
  return Image{w, h, std::vector<uint8_t>(static_cast<size_t>(w * h * 3), level)};
}
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

TEST_CASE("metrics errors name the offending file in one line and exit 2", "[metrics_command]") {
  TempDir dir;
  fs::create_directories(dir.path() / "pred");
  fs::create_directories(dir.path() / "gt");
  std::mt19937 rng(3);
  write_random(dir.path() / "pred" / "x.png", 16, 16, rng);
  write_random(dir.path() / "gt" / "x.png", 16, 18, rng);
  auto result = run_metrics(dir, quoted(dir.path() / "pred") + " " + quoted(dir.path() / "gt"));
  CHECK(result.status == 2);  // bad input, one line
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK_THAT(result.err, Catch::Contains((dir.path() / "pred" / "x.png").string()) && Catch::Contains("16x18"));

  write_random(dir.path() / "gt" / "x.png", 16, 16, rng);
  write_random(dir.path() / "gt" / "y.png", 16, 16, rng);
  result = run_metrics(dir, quoted(dir.path() / "pred") + " " + quoted(dir.path() / "gt"));
  CHECK(result.status == 2);  // bad input, one line
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK_THAT(result.err, Catch::Contains((dir.path() / "gt" / "y.png").string()) && Catch::Contains("'y'"));

  std::ofstream(dir.path() / "bad.bin") << "nonsense";
  result = run_metrics(dir, quoted(dir.path() / "pred" / "x.png") + " " + quoted(dir.path() / "gt" / "x.png") +
                                " --lpips-weights " + quoted(dir.path() / "bad.bin"));
  CHECK(result.status == 2);  // bad input, one line
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK_THAT(result.err, Catch::Contains("bad.bin"));
  CHECK(result.out.empty());
}

TEST_CASE("metrics scores 16-bit PNGs at full precision, and an 8-bit file against a 16-bit one", "[metrics_command]") {
  TempDir dir;
  std::mt19937 rng(4);
  const int64_t w = 32, h = 24;
  std::vector<uint16_t> target(static_cast<size_t>(w * h * 3)), pred(target.size());
  for (size_t i = 0; i < target.size(); ++i) {  // only the low byte differs: 128 of 65535 on every sample
    target[i] = static_cast<uint16_t>((rng() % 256) * 256 + rng() % 128);
    pred[i] = static_cast<uint16_t>(target[i] + 128);
  }
  bokeh::test::write_png16(dir.path() / "pred.png", w, h, pred);
  bokeh::test::write_png16(dir.path() / "target.png", w, h, target);
  auto result = run_metrics(dir, quoted(dir.path() / "pred.png") + " " + quoted(dir.path() / "target.png") + " --json");
  INFO(result.err);
  REQUIRE(result.status == 0);
  auto row = nlohmann::json::parse(result.out)["pairs"][0];
  REQUIRE(row["psnr"].is_number());
  CHECK(row["psnr"].get<double>() == Approx(20 * std::log10(65535.0 / 128)));  // 54.185 dB
  CHECK(row["l1"].get<double>() == Approx(128 / 65535.0));
  const double s = ssim(unit_tensor(pred, w, h), unit_tensor(target, w, h)).item<double>();
  CHECK(s < 1);
  CHECK(row["ssim"].get<double>() == Approx(s).epsilon(1e-12));

  // An 8-bit PNG against its exact 16-bit widening (v * 257) is identical; one 65535th more on every
  // sample is an MSE of 1 / 65535^2.
  Image eight{w, h, std::vector<uint8_t>(target.size())};
  std::vector<uint16_t> widened(target.size()), nudged(target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    eight.rgb[i] = static_cast<uint8_t>(rng() % 255);
    widened[i] = static_cast<uint16_t>(eight.rgb[i] * 257);
    nudged[i] = static_cast<uint16_t>(widened[i] + 1);
  }
  write_image(dir.path() / "eight.png", eight);
  bokeh::test::write_png16(dir.path() / "widened.png", w, h, widened);
  bokeh::test::write_png16(dir.path() / "nudged.png", w, h, nudged);
  result = run_metrics(dir, quoted(dir.path() / "eight.png") + " " + quoted(dir.path() / "widened.png") + " --json");
  REQUIRE(result.status == 0);
  row = nlohmann::json::parse(result.out)["pairs"][0];
  CHECK(row["psnr"].is_null());
  CHECK(row["ssim"].get<double>() == 1.0);
  CHECK(row["l1"].get<double>() == 0.0);
  result = run_metrics(dir, quoted(dir.path() / "eight.png") + " " + quoted(dir.path() / "nudged.png") + " --json");
  REQUIRE(result.status == 0);
  row = nlohmann::json::parse(result.out)["pairs"][0];
  REQUIRE(row["psnr"].is_number());
  CHECK(row["psnr"].get<double>() == Approx(20 * std::log10(65535.0)));  // 96.33 dB
  CHECK(row["l1"].get<double>() == Approx(1 / 65535.0));
}

TEST_CASE("metrics on images under 11x11 gives PSNR and L1, with SSIM and LPIPS '–' (null in JSON)",
          "[metrics_command]") {
  TempDir dir;
  fs::create_directories(dir.path() / "pred");
  fs::create_directories(dir.path() / "gt");
  write_image(dir.path() / "pred" / "one.png", flat(1, 1, 0));  // black against white: MSE 1
  write_image(dir.path() / "gt" / "one.png", flat(1, 1, 255));
  write_image(dir.path() / "pred" / "six.png", flat(2, 3, 51));  // 0.2 against 0: MSE 0.04
  write_image(dir.path() / "gt" / "six.png", flat(2, 3, 0));
  write_image(dir.path() / "pred" / "twelve.png", flat(12, 12, 51));  // SSIM C1 / (0.04 + C1), flat images
  write_image(dir.path() / "gt" / "twelve.png", flat(12, 12, 0));
  save_lpips_weights(dir.path() / "lpips.bin", random_lpips_weights(5));
  const std::string folders = quoted(dir.path() / "pred") + " " + quoted(dir.path() / "gt");
  const double psnr_six = 10 * std::log10(1 / 0.04), ssim_twelve = 0.0001 / (0.04 + 0.0001);

  auto result = run_metrics(dir, folders + " --json --lpips-weights " + quoted(dir.path() / "lpips.bin"));
  INFO(result.err);
  REQUIRE(result.status == 0);
  const auto json = nlohmann::json::parse(result.out);
  const auto& one = json["pairs"][0];
  const auto& six = json["pairs"][1];
  const auto& twelve = json["pairs"][2];
  CHECK(one["psnr"].get<double>() == Approx(0.0).margin(1e-12));
  CHECK(one["l1"].get<double>() == Approx(1.0));
  CHECK(six["psnr"].get<double>() == Approx(psnr_six));
  CHECK(six["l1"].get<double>() == Approx(0.2));
  CHECK(twelve["ssim"].get<double>() == Approx(ssim_twelve));
  for (const auto* row : {&one, &six, &json["mean"]}) {
    CHECK((*row)["ssim"].is_null());
    CHECK((*row)["lpips"].is_null());  // LPIPS needs 31x31
  }
  CHECK(twelve["lpips"].is_null());
  CHECK(json["mean"]["psnr"].get<double>() == Approx(2 * psnr_six / 3));

  result = run_metrics(dir, folders);
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, Catch::Contains("| one | 0.0000 | – | 1.000000 | – |"));
  CHECK_THAT(result.out, Catch::Contains(fmt::format("| six | {:.4f} | – | 0.200000 | – |", psnr_six)));
  CHECK_THAT(result.out,
             Catch::Contains(fmt::format("| twelve | {:.4f} | {:.6f} | 0.200000 | – |", psnr_six, ssim_twelve)));
  CHECK_THAT(result.out, Catch::Contains(fmt::format("| mean of 3 | {:.4f} | – |", 2 * psnr_six / 3)));
}

TEST_CASE("metrics on a 2000x1500 pair peaks well under the whole-image computation's 2 GB", "[metrics_command]") {
  TempDir dir;
  std::mt19937 rng(6);
  write_random(dir.path() / "a.png", 2000, 1500, rng);
  write_random(dir.path() / "b.png", 2000, 1500, rng);
  // Decoded at 16 bits the pair is 36 MB; the SSIM strips' float64 temporaries add about 300 MB and
  // libtorch its own. Scoring the whole image at once took about 700 bytes per pixel: 2.1 GB here.
  const long peak = metrics_peak_mib(dir.path() / "a.png", dir.path() / "b.png");
  INFO("peak " << peak << " MiB");
  CHECK(peak < 1024);
}
