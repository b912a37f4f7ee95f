// build/sweep as a user runs it: --dry-run prints the study's rows and parameter counts without
// touching the database; bad input is one line on stderr and a non-zero exit, --train-one's too.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process_runner.h"

using bokeh::test::TempDir;

namespace {

// Runs build/sweep from the source root with `args`.
bokeh::test::ToolResult sweep(const TempDir& dir, const std::string& args) {
  return bokeh::test::run_tool(dir, "sweep", args, BOKEH_SOURCE_DIR);
}

// The printed line of the run called `name` (names are padded to the longest, then two spaces).
std::string row(const std::string& out, const std::string& name) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "  ", 0) == 0) return line;
  }
  return "";
}

size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("sweep --dry-run prints Table 1's runs with the study's parameter counts", "[sweep_cli]") {
  TempDir dir;
  const std::string db = dir.file("never.db");
  const bokeh::test::ToolResult r = sweep(dir, "sweeps/table1.yaml --dry-run --db '" + db + "'");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  for (const auto& [name, params] : std::vector<std::pair<std::string, std::string>>{{"VBase_1", " 1.86 "},
                                                                                     {"VBase_2", " 0.47 "},
                                                                                     {"VBase_3", " 7.70 "},
                                                                                     {"w64-d4 lr5e-4 bs8", " 7.70 "},
                                                                                     {"VBase_2 no BN", " 0.47 "},
                                                                                     {"with wd", " 7.70 "}}) {
    INFO(name);
    CHECK(row(r.out, name).find(params) != std::string::npos);
  }
  CHECK(row(r.out, "with wd").find("train.weight_decay=0.01") != std::string::npos);
  CHECK(row(r.out, "VBase_2 aug").find("train.augment=true") != std::string::npos);
  CHECK(r.out.find("10 runs (1 duplicate removed)") != std::string::npos);
  CHECK(r.out.find("duplicate: \"VBase_2\"") != std::string::npos);
  CHECK(!row(r.out, "total").empty());
  CHECK(row(r.out, "VBase_1").find(" auto ") != std::string::npos);  // the precision column
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("sweep --dry-run says how worker ranks map to GPUs and shows a forced precision", "[sweep_cli]") {
  TempDir dir;
  const bokeh::test::ToolResult r =
      sweep(dir, "sweeps/table1.yaml --dry-run --set resources.runs_per_gpu=4 --set train.precision=bf16");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("runs_per_gpu 4") != std::string::npos);
  CHECK(r.out.find("gpus: ") != std::string::npos);  // this machine's GPUs, or that none are visible
  CHECK(row(r.out, "VBase_1").find(" bf16 ") != std::string::npos);
  const bokeh::test::ToolResult bad = sweep(dir, "sweeps/table1.yaml --dry-run --set train.precision=fp8");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("train.precision") != std::string::npos);
  CHECK(bad.err.find("auto, fp32, bf16, fp16") != std::string::npos);
}

TEST_CASE("sweep --dry-run takes --set overrides and shows them", "[sweep_cli]") {
  TempDir dir;
  const bokeh::test::ToolResult r = sweep(dir, "sweeps/demo.yaml --dry-run --set train.epochs=2 --set data.height=48");
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("override: --set train.epochs=2") != std::string::npos);
  CHECK(r.out.find("at 48x64") != std::string::npos);
  CHECK(row(r.out, "SSIM Heavy").find("1/4/0") != std::string::npos);
}

TEST_CASE("bad input is one line on stderr and a non-zero exit", "[sweep_cli]") {
  TempDir dir;
  std::ofstream(dir.file("bad.yaml")) << "sweep: bad\nbase:\n  train: {lr: 0}\n";
  for (const std::string& args :
       {"'" + dir.file("bad.yaml") + "' --dry-run", std::string("sweeps/demo.yaml --dry-run --set train.lr=-1"),
        std::string("missing.yaml --dry-run"), std::string("sweeps/demo.yaml --no-such-flag"), std::string("")}) {
    INFO(args);
    const bokeh::test::ToolResult r = sweep(dir, args);
    INFO(r.err);
    CHECK(r.status == 2);  // the documented status of bad input
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("sweep: ", 0) == 0);
    CHECK(r.out.empty());
  }
  CHECK(
      sweep(dir, "'" + dir.file("bad.yaml") + "' --dry-run").err.find("bad.yaml:3: base.train.lr: must be >= 1e-10") !=
      std::string::npos);
}

// The study's specs as a new user starts them, without EBB! or the LPIPS weights (issue 18): refused
// before anything is registered (no database is even created), the dataset, layout and recipe named,
// and a command that runs the same spec now.
TEST_CASE("a study spec without its LPIPS weights is refused up front, nothing registered", "[sweep_cli]") {
  TempDir dir;
  const std::string db = dir.file("results/sweeps.db");
  const bokeh::test::ToolResult r = sweep(dir, "sweeps/table3.yaml --db '" + db + "' --set data.source=synthetic");
  INFO(r.out << r.err);
  CHECK(r.status == 2);
  CHECK(r.err.rfind("sweep: sweeps/table3.yaml:19: metrics.lpips_weights: results/lpips_alex_v0.1.bin: cannot open "
                    "LPIPS weights file\n",
                    0) == 0);
  CHECK(r.err.find("pip install lpips && python3 tools/export_lpips_weights.py results/lpips_alex_v0.1.bin") !=
        std::string::npos);
  CHECK(r.err.find("--no-lpips") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("mpirun on a study spec without EBB! names the dataset, its layout and the synthetic way", "[sweep_cli]") {
  TempDir dir;
  const std::string db = dir.file("results/sweeps.db");
  const auto r = bokeh::test::run_command("cd '" + std::string(BOKEH_SOURCE_DIR) +
                                          "' && mpirun --allow-run-as-root --oversubscribe -n 4 '" + BOKEH_BUILD_DIR +
                                          "/sweep' sweeps/table1.yaml --db '" + db + "'");
  INFO(r.output);
  CHECK(r.status == 2);
  for (const char* part :
       {"sweeps/table1.yaml:11: data.root: data/ebb/Training: no such folder", "EBB!", "Ignatov",
        "Training/original/N.jpg", "labels validation", "build/sweep sweeps/table1.yaml --quick --no-lpips"}) {
    INFO(part);
    CHECK(r.output.find(part) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("the README's synthetic Table 1 line validates, --dry-run lists what a real start lacks", "[sweep_cli]") {
  TempDir dir;
  const bokeh::test::ToolResult r =
      sweep(dir,
            "sweeps/table1.yaml --set data.source=synthetic --set train.epochs=2 --dry-run --set "
            "metrics.lpips_weights=" +
                dir.file("none.bin"));
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("data: synthetic at 256x384, 1024 train / 180 val / 200 test pairs") != std::string::npos);
  CHECK(r.out.find("not in place (a real start refuses this): ") != std::string::npos);
  CHECK(r.out.find("none.bin: cannot open LPIPS weights file") != std::string::npos);
}

namespace {
// A frame of the training process's pipe: its tag (int32), its length (uint64), its bytes.
std::string frame(int32_t tag, const std::string& bytes) {
  const uint64_t length = bytes.size();
  return std::string(reinterpret_cast<const char*>(&tag), sizeof tag) +
         std::string(reinterpret_cast<const char*>(&length), sizeof length) + bytes;
}
}  // namespace

// `sweep --train-one` is started by a worker, but what reaches it may be anything: it used to abort
// (terminate, SIGABRT) on a malformed frame or argument.
TEST_CASE("sweep --train-one answers bad arguments and malformed or foreign frames with one line and a status",
          "[sweep_cli]") {
  TempDir dir;
  const int32_t assign = 2;
  const std::string newer = R"({"protocol": "bokeh-sweep", "version": 99, "run_key": "k"})";
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"bytes that are no frame", "hello"},
      {"a frame cut short", frame(assign, "{}").substr(0, 13)},
      {"a frame that is not JSON", frame(assign, "not json")},
      {"an oversized frame", frame(assign, "").substr(0, 4) + std::string(8, '\xff')},
      {"a frame of another protocol version", frame(assign, newer)},
  };
  for (const auto& [what, bytes] : inputs) {
    INFO(what);
    std::ofstream(dir.file("input.bin"), std::ios::binary) << bytes;
    const bokeh::test::ToolResult r =
        sweep(dir, "--train-one 0 1 1 here < '" + dir.file("input.bin") + "' 3>/dev/null");
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("sweep --train-one: ", 0) == 0);
  }
  CHECK(sweep(dir, "--train-one 0 1 1 here < '" + dir.file("input.bin") + "' 3>/dev/null").err.find("version 99") !=
        std::string::npos);
  for (const std::string& args : {"--train-one", "--train-one x 1 1 here", "--train-one 0 1 -1 here",
                                  "--train-one 0 1 99999999999 here", "--train-one 0 1 1 ''", "--train-one 0 1 1"}) {
    INFO(args);
    const bokeh::test::ToolResult r = sweep(dir, args + " < /dev/null");
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("sweep --train-one: internal use only", 0) == 0);
  }
  // Its input ended before any run: nothing to do.
  CHECK(sweep(dir, "--train-one 0 1 1 here < /dev/null 3>/dev/null").status == 0);
}

// Both used to pass validation: a name that is not UTF-8 failed the real start storing it as JSON
// (exit 2, no place named), and a grid of 10^6 points ran the dry run past a minute and 5 GB.
TEST_CASE("sweep --dry-run refuses text that is not UTF-8 and a grid beyond the bound and says where", "[sweep_cli]") {
  TempDir dir;
  const std::string head = "sweep: t\ndata: {height: 32, width: 32, train_pairs: 4, val_pairs: 2, test_pairs: 2}\n";
  std::ofstream(dir.file("name.yaml")) << head << "runs:\n  - {name: \"ab\xff\", loss.lpips: 0}\n";
  std::string grid = "grid:\n";
  for (const char* axis :
       {"model.width", "train.batch_size", "train.epochs", "loss.l1", "loss.ssim", "train.scheduler_patience"})
    grid += std::string("  ") + axis + ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  std::ofstream(dir.file("grid.yaml")) << head << "base: {loss: {lpips: 0}}\n" << grid;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"name.yaml", "name.yaml:4: runs[0].name: must be UTF-8 text: byte 0xFF at offset 2 is not UTF-8"},
      {"grid.yaml",
       "grid.yaml:4: grid: 10 x 10 x 10 x 10 x 10 x 10 = 1000000 runs, more than the 10000 a sweep may "
       "hold (split it into several sweeps, or sample it with search:)"}};
  for (const auto& [file, message] : cases) {
    const bokeh::test::ToolResult r = sweep(dir, "'" + dir.file(file) + "' --dry-run");
    INFO(r.out << r.err);
    CHECK(r.status == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE(
    "sweep --quick picks sides every run's model takes and applies the spec's own quick: section, and the dry "
    "run shows PyNET without the U-Net's settings",
    "[sweep_cli]") {
  TempDir dir;
  // Table 4 trains PyNET (sides multiples of 64) beside the U-Net: 32x48 rounds up to 64x64, and its quick:
  // section narrows PyNET to width 8 (2.98M parameters) and times one pass.
  const bokeh::test::ToolResult r = sweep(dir, "sweeps/table4.yaml --quick --no-lpips --dry-run");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("data: synthetic at 64x64, 8 train / 4 val / 4 test pairs") != std::string::npos);
  CHECK(r.out.find("override: --set runs.1.model.width=8") != std::string::npos);
  CHECK(r.out.find("override: --set metrics.inference_repeats=1") != std::string::npos);
  const std::string pynet = row(r.out, "PyNET");
  CHECK(pynet.find(" 2.98 ") != std::string::npos);
  CHECK(pynet.find("      8      –    –  ") != std::string::npos);  // width 8; no depth, no batch norm
  CHECK(row(r.out, "Vanilla U-Net Full Run").find(" 7.70 ") != std::string::npos);
  // A U-Net-only spec keeps the study's 2:3 look at 32x48.
  const bokeh::test::ToolResult unet = sweep(dir, "sweeps/table1.yaml --quick --no-lpips --dry-run");
  CHECK(unet.out.find("data: synthetic at 32x48") != std::string::npos);
  // The full spec: PyNET at its 32 base maps, 47,550,639 parameters without the depth channel.
  const bokeh::test::ToolResult full = sweep(dir, "sweeps/table4.yaml --no-lpips --dry-run");
  CHECK(row(full.out, "PyNET").find(" 47.55 ") != std::string::npos);

  // A quick: section that is not a map of keys, or holds a bad key, is refused where it is written.
  const std::string spec = dir.file("bad_quick.yaml");
  std::ofstream(spec) << "sweep: q\nquick: [model.width]\n";
  const bokeh::test::ToolResult bad = sweep(dir, "'" + spec + "' --dry-run");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("bad_quick.yaml:2: quick: must be a map of keys to set under --quick") != std::string::npos);
  std::ofstream(spec) << "sweep: q\nquick: {model..width: 8}\n";
  const bokeh::test::ToolResult empty_part = sweep(dir, "'" + spec + "' --dry-run");
  CHECK(empty_part.status == 2);
  CHECK(empty_part.err.find("bad_quick.yaml:2: quick.model..width") != std::string::npos);
}

TEST_CASE("sweep --dry-run --format json: every run's exact parameters, also per part, and its FLOPs", "[sweep_cli]") {
  TempDir dir;
  const bokeh::test::ToolResult r = sweep(dir, "sweeps/table4.yaml --no-lpips --dry-run --format json");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  const nlohmann::json plan = nlohmann::json::parse(r.out);
  CHECK(plan["sweep"] == "table4");
  CHECK(plan["data"]["height"] == 256);
  REQUIRE(plan["runs"].size() == 2);
  const nlohmann::json& unet = plan["runs"][0];
  CHECK(unet["arch"] == "unet");
  CHECK(unet["config"]["model"]["width"] == 64);
  CHECK(unet["params_by_part"].size() == 8);  // encoders 0-3, decoders 2-0, head
  const nlohmann::json& pynet = plan["runs"][1];
  CHECK(pynet["name"] == "PyNET");
  CHECK(pynet["params"] == 47550639);
  // model.py's parts as issue 34 counted them layer by layer (RGB: the first block sees 12 channels).
  const std::vector<std::pair<std::string, int64_t>> parts = {
      {"encoder 1", 12736},  {"encoder 2", 55680},     {"encoder 3", 221952}, {"encoder 4", 886272},
      {"level 5", 20080131}, {"level 4", 7682307},     {"level 3", 7579779},  {"level 2", 6746179},
      {"level 1", 4282915},  {"levels 0 and up", 2688}};
  REQUIRE(pynet["params_by_part"].size() == parts.size());
  int64_t sum = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    CHECK(pynet["params_by_part"][i]["part"] == parts[i].first);
    CHECK(pynet["params_by_part"][i]["params"] == parts[i].second);
    sum += pynet["params_by_part"][i]["params"].get<int64_t>();
  }
  CHECK(sum == 47550639);
  CHECK(pynet["forward_flops"].get<double>() > 0);
  CHECK(plan["train_flops"].get<double>() ==
        Approx(unet["train_flops"].get<double>() + pynet["train_flops"].get<double>()));
  CHECK(plan["not_in_place"].size() == 2);  // EBB!'s two folders
  // --format belongs to the dry run.
  const bokeh::test::ToolResult alone = sweep(dir, "sweeps/table4.yaml --format json");
  CHECK(alone.status != 0);
  CHECK(alone.err.find("--format") != std::string::npos);
}
