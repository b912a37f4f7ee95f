// Figures: loss curves through gnuplot and the sample grid are valid PNG files of the expected size,
// with the data, script and legend beside them; learning-rate drops are found and marked.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "reports/figures/curves_figure.h"
#include "reports/figures/prepared_fixture.h"
#include "reports/figures/report_figures.h"
#include "reports/figures/samples_figure.h"
#include "reports/sweep_fixture.h"
#include "reports/tables/report_error.h"
#include "reports/tables/sweep_lookup.h"
#include "support/seeded_unet.h"
#include "training/checkpoint.h"

using namespace bokeh;
using bokeh::test::seeded_unet;

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

orchestrator::EpochRecord epoch(int64_t e, double lr) {
  return orchestrator::EpochRecord{e, 1.0 / e, 0.9 / e, 0.1 / e, lr, 1.0, 1.0};
}

// Gives the fixture's VBase_1 a best checkpoint; the request for a samples figure of the fixture.
reports::FigureRequest samples_request_with_one_checkpoint(const test::SweepFixture& f) {
  const std::filesystem::path dir = orchestrator::run_checkpoint_dir(f.root, "tiny", f.runs.at("VBase_1").key);
  std::filesystem::create_directories(dir);
  training::save_weights(dir / common::kBestWeights, seeded_unet({8, 2, true}, 3));
  reports::FigureRequest request;
  request.out_dir = f.dir.path() / "figures";
  request.results_root = f.root;
  return request;
}

}  // namespace

TEST_CASE("Learning-rate drops are the epochs trained at a lower rate than the one before", "[figures]") {
  const std::vector<orchestrator::EpochRecord> epochs = {epoch(1, 2e-4),   epoch(2, 2e-4),    epoch(3, 1.6e-4),
                                                         epoch(4, 1.6e-4), epoch(5, 1.28e-4), epoch(6, 1.28e-4)};
  CHECK(reports::lr_drop_epochs(epochs) == std::vector<int64_t>{3, 5});
  CHECK(reports::lr_drop_epochs({epoch(1, 1e-3)}).empty());
}

TEST_CASE("The curve figure is a PNG of the asked size with its data and script beside it", "[figures]") {
  const test::TempDir dir;
  const std::vector<reports::CurveSeries> series = {{"VBase_3", {epoch(1, 2e-4), epoch(2, 2e-4), epoch(3, 1.6e-4)}, ""},
                                                    {"with \"quotes\"", {epoch(1, 5e-4), epoch(2, 5e-4)}, ""}};
  const std::filesystem::path png = reports::write_curves_figure(series, "Figure 2", dir.path() / "figs", "demo-curves",
                                                                 reports::FigureSize{640, 480});
  CHECK(png == dir.path() / "figs" / "demo-curves.png");
  CHECK(test::png_size(png) == std::pair<uint32_t, uint32_t>{640, 480});
  const std::string data = read_text(dir.path() / "figs" / "demo-curves.dat");
  CHECK_THAT(data, Catch::Contains("# index 0: run VBase_3"));
  CHECK_THAT(data, Catch::Contains("3 0.333333333 0.3 0.0333333333 0.00016\n"));
  const std::string script = read_text(dir.path() / "figs" / "demo-curves.gp");
  CHECK_THAT(script, Catch::Contains("set arrow from 3, graph 0 to 3, graph 1"));
  CHECK_THAT(script, Catch::Contains("title \"with \\\"quotes\\\" val\""));
  CHECK_THROWS_WITH(reports::write_curves_figure({{"empty", {}, ""}}, "t", dir.path(), "x"),
                    Catch::Contains("\"empty\" has no epochs"));
}

TEST_CASE("The curves plot a per-epoch validation metric, and refuse one no epoch has or one not per epoch",
          "[figures]") {
  const test::TempDir dir;
  std::vector<orchestrator::EpochRecord> scored = {epoch(1, 2e-4), epoch(2, 2e-4), epoch(3, 1.6e-4)};
  scored[1].val_psnr = 21.5;  // epoch 1 was recorded before the metric: left out
  scored[2].val_psnr = 23.25;
  const std::vector<reports::CurveSeries> series = {{"VBase_3", scored, "stopped at rung 1 (epoch 3)"}};
  const std::filesystem::path png =
      reports::write_curves_figure(series, "PSNR", dir.path(), "psnr", reports::FigureSize{640, 480}, "val_psnr");
  CHECK(test::png_size(png) == std::pair<uint32_t, uint32_t>{640, 480});
  CHECK_THAT(read_text(dir.path() / "psnr.dat"), Catch::EndsWith("# epoch val_psnr\n2 21.5\n3 23.25\n"));
  const std::string script = read_text(dir.path() / "psnr.gp");
  CHECK_THAT(script, Catch::Contains("set ylabel \"Val_PSNR (dB)\""));
  CHECK_THAT(script, Catch::Contains("at 3, 23.25 point"));  // the stop mark sits on the plotted figure
  CHECK_THAT(script, Catch::Contains("set arrow from 3, graph 0"));
  CHECK_THROWS_AS(reports::write_curves_figure(series, "t", dir.path(), "x", {}, "val_ssim"),
                  reports::ReportInputError);
  CHECK_THROWS_WITH(reports::write_curves_figure(series, "t", dir.path(), "x", {}, "test_psnr"),
                    Catch::Contains("per-epoch figure") && Catch::Contains("val_psnr"));
}

TEST_CASE("The curve figure of a stored sweep plots the runs with epochs", "[figures]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  reports::FigureRequest request;
  request.out_dir = f.dir.path() / "figures";
  request.results_root = f.root;
  const reports::FigureResult result = reports::make_curves_figure(store, request);
  CHECK(test::png_size(result.png) == std::pair<uint32_t, uint32_t>{1000, 600});
  const std::string data = read_text(request.out_dir / "tiny-curves.dat");
  CHECK_THAT(data,
             Catch::Contains("run VBase_1") && Catch::Contains("run " + f.lr1) && Catch::Contains("run " + f.lr2));
  CHECK_THAT(data, !Catch::Contains("run nobn"));
  request.runs = {"nobn"};
  CHECK_THROWS_WITH(reports::make_curves_figure(store, request), Catch::Contains("\"nobn\" has no epochs"));
  request.runs = {"nope"};
  CHECK_THROWS_WITH(reports::make_curves_figure(store, request), Catch::Contains("no run named \"nope\""));
}

TEST_CASE("The sample grid holds input, target and each model's output between white gaps", "[figures]") {
  const int64_t n = 2, h = 16, w = 12, gap = reports::kSampleGap;
  torch::manual_seed(5);
  const torch::Tensor inputs = torch::randint(0, 256, {n, 3, h, w}, torch::kUInt8);
  const torch::Tensor targets = torch::randint(0, 256, {n, 3, h, w}, torch::kUInt8);
  std::vector<reports::SampleColumn> columns;
  columns.push_back({"a", seeded_unet({4, 2, true}, 1)});
  columns.push_back({"b", seeded_unet({4, 3, false}, 2)});
  const training::Image grid = reports::sample_grid(inputs, targets, columns);
  REQUIRE(grid.width == 4 * w + 5 * gap);
  REQUIRE(grid.height == n * h + 3 * gap);
  const auto pixel = [&](int64_t x, int64_t y, int64_t c) { return grid.rgb[(y * grid.width + x) * 3 + c]; };
  CHECK(pixel(0, 0, 0) == 255);
  CHECK(pixel(gap + w, gap + 3, 1) == 255);  // the gap between input and target
  for (int64_t i = 0; i < n; ++i) {
    const int64_t top = gap + i * (h + gap);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = inputs[i].unsqueeze(0).to(torch::kFloat32) / 255.0;
    const torch::Tensor out_b = columns[1].model->forward(x)[0].mul(255).round().clamp(0, 255).to(torch::kUInt8);
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t y = 0; y < h; y += 5) {
        for (int64_t xx = 0; xx < w; xx += 3) {
          CHECK(pixel(gap + xx, top + y, c) == inputs[i][c][y][xx].item<uint8_t>());
          CHECK(pixel(2 * gap + w + xx, top + y, c) == targets[i][c][y][xx].item<uint8_t>());
          CHECK(std::abs(pixel(4 * gap + 3 * w + xx, top + y, c) - out_b[c][y][xx].item<uint8_t>()) <= 1);
        }
      }
    }
  }
}

TEST_CASE("The sample figure of a stored sweep renders the runs that have a checkpoint", "[figures]") {
  const test::SweepFixture f;
  test::prepare_fixture_data(f);
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  reports::FigureRequest request = samples_request_with_one_checkpoint(f);
  const reports::FigureResult result = reports::make_samples_figure(store, request);
  // 2 test images of 16 x 16; columns input, target, VBase_1 (the other done run has no checkpoint).
  CHECK(test::png_size(result.png) == std::pair<uint32_t, uint32_t>{3 * 16 + 4 * 4, 2 * 16 + 3 * 4});
  REQUIRE(result.notes.size() == 1);
  CHECK_THAT(result.notes[0], Catch::Contains(f.lr2) && Catch::Contains("no checkpoint"));
  CHECK_THAT(read_text(request.out_dir / "tiny-samples.txt"), Catch::Contains("VBase_1"));
  request.runs = {f.lr2};
  CHECK_THROWS_WITH(reports::make_samples_figure(store, request),
                    Catch::Contains("has no checkpoint") && Catch::Contains(common::kBestWeights));
}

TEST_CASE("The sample figure opens the prepared data the sweep recorded and never builds it", "[figures]") {
  const test::SweepFixture f;
  const reports::FigureRequest request = samples_request_with_one_checkpoint(f);
  const std::filesystem::path data_dir = orchestrator::sweep_data_dir(f.root, "tiny");
  {  // none on record: said, and nothing prepared
    const orchestrator::StoreReader store = reports::open_store(f.db_path);
    CHECK_THROWS_WITH(reports::make_samples_figure(store, request),
                      Catch::Contains("sweep tiny has no prepared data on record") && Catch::Contains("run the sweep"));
    CHECK_FALSE(std::filesystem::exists(data_dir));
  }
  const std::filesystem::path file = test::prepare_fixture_data(f);
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  CHECK(std::filesystem::exists(reports::make_samples_figure(store, request).png));
  // Corrupt: named, not rebuilt (the file keeps its bad bytes).
  {
    std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(-1, std::ios::end);
    out.put('\x7f');
  }
  const auto before = std::filesystem::last_write_time(file);
  CHECK_THROWS_WITH(reports::make_samples_figure(store, request),
                    Catch::Contains("prepared data is unusable") && Catch::Contains(file.string()));
  CHECK(std::filesystem::last_write_time(file) == before);
  // Removed: named.
  std::filesystem::remove(file);
  CHECK_THROWS_WITH(reports::make_samples_figure(store, request),
                    Catch::Contains("is missing") && Catch::Contains(file.string()));
  CHECK_FALSE(std::filesystem::exists(file));
}
