// The `report` and `render` executables end to end: output equals the library's, bad input gives
// one line on stderr and a non-zero exit, render writes the model's output at the input's size.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "reports/figures/render.h"
#include "reports/sweep_fixture.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"
#include "support/process_runner.h"
#include "training/checkpoint.h"
#include "training/unet.h"
#include "training/data/image_io.h"
#include "training/png16_fixtures.h"

using namespace bokeh;

namespace {

using test::run_tool;
using test::ToolResult;

int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// Writes a seeded U-Net as the best checkpoint of the fixture's best finished run (VBase_1); returns its folder.
std::filesystem::path save_best_checkpoint(const test::SweepFixture& f) {
  const orchestrator::RunRecord& vbase = f.runs.at("VBase_1");
  const std::filesystem::path dir = orchestrator::run_checkpoint_dir(f.root, "tiny", vbase.key);
  std::filesystem::create_directories(dir);
  torch::manual_seed(4);
  training::UNet trained(common::ModelConfig{8, 2, true});
  training::save_weights(dir / common::kBestWeights, trained);
  return dir;
}

// A 45x33 photo of every level below 251 in a scrambled order.
training::Image test_photo() {
  training::Image photo{45, 33, {}};
  for (int64_t i = 0; i < photo.width * photo.height * 3; ++i)
    photo.rgb.push_back(static_cast<uint8_t>((i * 7919) % 251));
  return photo;
}

}  // namespace

TEST_CASE("report --table prints the library's table in each format", "[cli]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const orchestrator::SweepInfo sweep = *store.sweep("tiny");
  for (const std::string format : {"markdown", "csv", "json"}) {
    for (int n = 1; n <= 4; ++n) {
      const ToolResult r =
          run_tool(f.dir, "report", fmt::format("--table {} --db '{}' --format {}", n, f.db_path, format));
      INFO(format << " table " << n << ": " << r.err);
      CHECK(r.status == 0);
      CHECK(r.out == reports::format_table(reports::build_table(n, sweep, reports::summarize_sweep(store, "tiny")),
                                           reports::parse_table_format(format)));
    }
  }
}

TEST_CASE("report --status and --figure work from the command line", "[cli]") {
  const test::SweepFixture f;
  const ToolResult status = run_tool(f.dir, "report", fmt::format("--status --db '{}'", f.db_path));
  CHECK(status.status == 0);
  CHECK_THAT(status.out, Catch::Contains("## Sweep tiny: 2 done, 1 running, 1 pending, 1 failed (5 runs)"));
  const std::filesystem::path figures = f.dir.path() / "figures";
  const ToolResult curves = run_tool(f.dir, "report",
                                     fmt::format("--figure curves --db '{}' --out '{}' --width 800 "
                                                 "--height 500",
                                                 f.db_path, figures.string()));
  CHECK(curves.status == 0);
  CHECK(curves.out == (figures / "tiny-curves.png").string() + "\n");
  CHECK(test::png_size(figures / "tiny-curves.png") == std::pair<uint32_t, uint32_t>{800, 500});
}

TEST_CASE("report refuses bad input with one line and a non-zero exit", "[cli]") {
  const test::SweepFixture f;
  const std::string db = fmt::format("--db '{}'", f.db_path);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--table 1 --db '" + (f.dir.path() / "none.db").string() + "'", "no results database"},
      {"--table 5 " + db, "--table"},
      {"--table 1 --sweep nope " + db, "no sweep named \"nope\""},
      {"--figure curves --runs nope --out x " + db, "no run named \"nope\""},
      {"--figure curves " + db, "--out"},
      {db, "give one of"},
      {"--table 1 --status " + db, "excludes"},
      {"--table 1 --seed 3 " + db, "--seed requires --importance"},  // an option of another mode
      {"--status --port 8080 " + db, "--port requires --serve"},
  };
  for (const auto& [args, message] : cases) {
    const ToolResult r = run_tool(f.dir, "report", args);
    INFO(args << " -> " << r.err);
    CHECK(r.status != 0);
    CHECK(lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::StartsWith("report: ") && Catch::Contains(message));
  }
}

TEST_CASE("render applies the best run's checkpoint and keeps the photo's size", "[cli]") {
  const test::SweepFixture f;
  const std::filesystem::path dir = save_best_checkpoint(f);
  const training::Image photo = test_photo();
  const std::filesystem::path in = f.dir.path() / "photo.png", out = f.dir.path() / "out.png";
  training::write_image(in, photo);

  const ToolResult r =
      run_tool(f.dir, "render",
               fmt::format("--db '{}' --sweep tiny --run best '{}' '{}'", f.db_path, in.string(), out.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  const training::Image rendered = training::read_image(out);
  CHECK(rendered.width == 45);
  CHECK(rendered.height == 33);
  training::BokehNet model = training::load_best_model(dir, common::ModelConfig{8, 2, true});
  const training::Image expected = reports::render_image(model, photo, 0);
  int max_diff = 0, changed = 0;
  for (size_t i = 0; i < expected.rgb.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(rendered.rgb[i] - expected.rgb[i]));
    changed += rendered.rgb[i] != photo.rgb[i];
  }
  CHECK(max_diff <= 1);
  CHECK(changed > 0);

  const ToolResult no_checkpoint =
      run_tool(f.dir, "render",
               fmt::format("--db '{}' --sweep tiny --run {} '{}' '{}'", f.db_path, f.lr2, in.string(), out.string()));
  CHECK(no_checkpoint.status != 0);
  CHECK(lines(no_checkpoint.err) == 1);
  CHECK_THAT(no_checkpoint.err, Catch::Contains("has no checkpoint"));
  const ToolResult unknown =
      run_tool(f.dir, "render",
               fmt::format("--db '{}' --sweep tiny --run nope '{}' '{}'", f.db_path, in.string(), out.string()));
  CHECK(unknown.status != 0);
  CHECK_THAT(unknown.err, Catch::StartsWith("render: ") && Catch::Contains("no run named \"nope\""));
}

TEST_CASE("render and report --figure never write over the database, a checkpoint or the input photo",
          "[cli][outputs]") {
  const test::SweepFixture f;
  const std::filesystem::path dir = save_best_checkpoint(f);
  const std::filesystem::path in = f.dir.path() / "photo.png";
  training::write_image(in, test_photo());
  const std::string best_bytes = test::read_text(dir / common::kBestWeights);
  const std::string db_bytes = test::read_text(f.db_path);

  const std::string photo_bytes = test::read_text(in);
  for (const std::filesystem::path& kept :
       {std::filesystem::path(f.db_path), std::filesystem::path(f.db_path + "-wal"), dir / common::kBestWeights, in}) {
    const ToolResult r = run_tool(
        f.dir, "render", fmt::format("--db '{}' --sweep tiny '{}' '{}'", f.db_path, in.string(), kept.string()));
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(lines(r.err) == 1);
    CHECK_THAT(r.err, Catch::StartsWith("render: output ") && Catch::Contains("would overwrite"));
  }
  const ToolResult figure =
      run_tool(f.dir, "report", fmt::format("--db '{}' --figure curves --out '{}'", f.db_path, dir.string()));
  INFO(figure.err);
  CHECK(figure.status == 2);
  CHECK_THAT(figure.err, Catch::Contains("--out") && Catch::Contains("the checkpoints of sweep tiny"));
  CHECK(test::read_text(dir / common::kBestWeights) == best_bytes);
  CHECK(test::read_text(f.db_path) == db_bytes);
  CHECK(test::read_text(in) == photo_bytes);  // the photo is not rendered over itself
  CHECK(std::filesystem::directory_iterator(dir)->path().filename() == common::kBestWeights);
}

TEST_CASE("render reads a 16-bit PNG as its 8-bit rounding", "[cli]") {
  const test::SweepFixture f;
  save_best_checkpoint(f);
  const training::Image photo = test_photo();
  // 257 v - 100 rounds to v (v - 0.39) where the high byte alone would give v - 1 for 0 < v < 100.
  std::vector<uint16_t> wide;
  for (const uint8_t v : photo.rgb) wide.push_back(static_cast<uint16_t>(v == 0 ? 0 : v * 257 - 100));
  const std::filesystem::path in8 = f.dir.path() / "photo8.png", in16 = f.dir.path() / "photo16.png";
  training::write_image(in8, photo);
  test::write_png16(in16, photo.width, photo.height, wide);
  std::vector<training::Image> rendered;
  for (const auto& in : {in8, in16}) {
    const std::filesystem::path out = in.string() + ".out.png";
    const ToolResult r =
        run_tool(f.dir, "render",
                 fmt::format("--db '{}' --sweep tiny --run best '{}' '{}'", f.db_path, in.string(), out.string()));
    INFO(r.err);
    REQUIRE(r.status == 0);
    rendered.push_back(training::read_image(out));
  }
  REQUIRE(rendered[1].rgb.size() == rendered[0].rgb.size());
  int differing = 0;
  for (size_t i = 0; i < rendered[0].rgb.size(); ++i) differing += rendered[1].rgb[i] != rendered[0].rgb[i];
  CHECK(differing == 0);
}
