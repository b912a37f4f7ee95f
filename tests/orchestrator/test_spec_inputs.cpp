// The files a spec names, checked before a sweep starts (LPIPS weights, EBB!'s folders), the
// synthetic data sized to the splits, and the --quick / --no-lpips override sets: each refusal
// names the key and says what to do, and the command it proposes is one that passes.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/lpips_weights_file.h"
#include "common/split_sizes.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/spec/spec_inputs.h"
#include "orchestrator/spec/spec_profiles.h"
#include "support/temp_dir.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

const std::string kSweepsFolder = std::string(BOKEH_SOURCE_DIR) + "/sweeps/";

// A weights file in the documented format (common/lpips_weights_file.h), every value `fill`;
// `drop_last` leaves the last tensor out.
void write_weights(const std::string& path, float fill, bool drop_last = false) {
  std::ofstream out(path, std::ios::binary);
  const auto put = [&](const auto& v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); };
  out << "BOKEHLPIPS1\n";
  const auto& specs = lpips_tensor_specs();
  const uint32_t count = static_cast<uint32_t>(specs.size() - (drop_last ? 1 : 0));
  put(count);
  for (uint32_t i = 0; i < count; ++i) {
    put(static_cast<uint32_t>(specs[i].name.size()));
    out << specs[i].name;
    put(static_cast<uint32_t>(specs[i].shape.size()));
    int64_t numel = 1;
    for (int64_t d : specs[i].shape) put(d), numel *= d;
    for (int64_t j = 0; j < numel; ++j) put(fill);
  }
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

SpecError refusal(const Spec& spec) {
  try {
    check_spec_inputs(spec);
  } catch (const SpecError& e) {
    return e;
  }
  FAIL("accepted: " << spec.file);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("synthetic data renders what the splits need unless the spec says how many", "[spec][spec_inputs]") {
  // Table 1 on synthetic data: 200 test pairs, then an 80:20 split whose train part holds 1024 needs
  // a pool of 1280 (1280 - round(256) = 1024; 1279 leaves 1023): 1480 pairs.
  const Spec table1 = load_spec(kSweepsFolder + "table1.yaml", {"data.source=synthetic", "train.epochs=2"});
  CHECK(table1.data.synthetic.count == 1480);
  CHECK(plan_runs(table1).runs.size() == 9);  // 11 rows; VBase_2 twice, and "30ep" is VBase_2 at 2 epochs
  // The defaults 192 / 48 / 32: a validation part of 48 needs a pool of 238, a train part of 192 one
  // of 240 (240 - 48); 240 + 32 = 272.
  CHECK(parse_spec("sweep: t\n", "t.yaml").data.synthetic.count == 272);
  CHECK(load_spec(kSweepsFolder + "demo.yaml").data.synthetic.count == 200);  // given: kept
  CHECK(pairs_needed(4, 2, 2) == 10);                                         // pool 8: 6 train, 2 validation

  // Given too small: both numbers named.
  try {
    load_spec(kSweepsFolder + "table1.yaml", {"data.source=synthetic", "data.synthetic.count=300"});
    FAIL("accepted 300 synthetic pairs for 1024 / 180 / 200");
  } catch (const SpecError& e) {
    CHECK(e.where().key == "data.synthetic.count");
    CHECK(std::string(e.what()).find("renders 300 pairs but 1024 train / 180 validation / 200 test pairs need 1480") !=
          std::string::npos);
  }
}

TEST_CASE("the split sizes the spec plans with are the ones the reader cuts", "[spec][spec_inputs]") {
  for (int64_t train = 1; train <= 40; ++train) {
    for (int64_t val = 1; val <= 15; ++val) {
      const int64_t pool = pairs_needed(train, val, 3) - 3;
      const int64_t v = validation_part_size(pool);
      INFO(train << " / " << val << ": pool " << pool);
      CHECK((pool - v >= train && v >= val));  // enough
      const int64_t w = validation_part_size(pool - 1);
      CHECK((pool - 1 - w < train || w < val));  // and the least that is
    }
  }
  // 20% rounded to the nearest pair: 10 -> 2, 12 -> 2, 13 -> 3 (2.6), 1204 -> 241 (240.8).
  CHECK(validation_part_size(10) == 2);
  CHECK(validation_part_size(12) == 2);
  CHECK(validation_part_size(13) == 3);
  CHECK(validation_part_size(1204) == 241);
}

TEST_CASE("a spec whose LPIPS weights file is missing or not LPIPS weights is refused with the recipe",
          "[spec][spec_inputs]") {
  TempDir dir;
  const std::vector<std::string> synthetic = {"data.source=synthetic"};
  const auto with_weights = [&](const std::string& file) {
    return load_spec(kSweepsFolder + "table3.yaml", plus(synthetic, {"metrics.lpips_weights=" + file}));
  };

  const SpecError missing = refusal(with_weights(dir.file("none.bin")));
  CHECK(missing.where().source == "--set metrics.lpips_weights=" + dir.file("none.bin"));  // where it was named
  CHECK(missing.where().key == "metrics.lpips_weights");
  const std::string text = missing.what();
  CHECK(text.find("none.bin: cannot open LPIPS weights file") != std::string::npos);
  CHECK(text.find("python3 tools/export_lpips_weights.py " + dir.file("none.bin")) != std::string::npos);
  CHECK(text.find("--no-lpips") != std::string::npos);

  std::ofstream(dir.file("foreign.bin")) << "not weights at all, just text";
  CHECK(std::string(refusal(with_weights(dir.file("foreign.bin"))).what()).find("not an LPIPS weights file") !=
        std::string::npos);
  write_weights(dir.file("short.bin"), 0.0f, /*drop_last=*/true);
  CHECK(std::string(refusal(with_weights(dir.file("short.bin"))).what()).find("missing tensor lin4.model.1.weight") !=
        std::string::npos);
  write_weights(dir.file("negative.bin"), -1.0f);
  CHECK(std::string(refusal(with_weights(dir.file("negative.bin"))).what()).find("negative weights") !=
        std::string::npos);

  write_weights(dir.file("good.bin"), 0.01f);
  CHECK(spec_input_problems(with_weights(dir.file("good.bin"))).empty());

  // The way out the message names: no LPIPS in any run, no weights file, nothing to refuse.
  const Spec without = load_spec(kSweepsFolder + "table3.yaml", plus(synthetic, no_lpips_overrides()));
  CHECK(without.lpips_weights.empty());
  CHECK(spec_input_problems(without).empty());
  for (const PlannedRun& run : plan_runs(without).runs) CHECK(run.config["loss"]["lpips"].get<double>() == 0);
}

TEST_CASE("missing EBB! folders are refused naming the dataset, its layout and a command that works",
          "[spec][spec_inputs]") {
  TempDir dir;
  const std::vector<std::string> absent = {"data.root=" + dir.file("ebb/Training"),
                                           "data.test_root=" + dir.file("ebb/Validation"),
                                           "metrics.lpips_weights=" + dir.file("lpips.bin")};
  const Spec spec = load_spec(kSweepsFolder + "table1.yaml", absent);
  const std::vector<InputProblem> problems = spec_input_problems(spec);
  REQUIRE(problems.size() == 3);  // root, test root, LPIPS weights
  CHECK(problems[0].where.key == "data.root");
  CHECK(problems[0].message == dir.file("ebb/Training") + ": no such folder");
  CHECK(problems[1].where.key == "data.test_root");
  for (const char* part : {"EBB!", "Ignatov", "AIM 2020", "Training/original/N.jpg", "Training/bokeh/N.jpg",
                           "labels validation", "study's 200 test pairs"}) {
    INFO(part);
    CHECK(problems[1].message.find(part) != std::string::npos);
  }
  CHECK(problems[2].where.key == "metrics.lpips_weights");
  CHECK(problems[2].message.find("--quick --no-lpips") != std::string::npos);

  // The proposed command passes: the spec with --quick and --no-lpips has nothing missing and plans.
  const Spec quick = load_spec(kSweepsFolder + "table1.yaml",
                               plus(plus(quick_look_overrides(spec.name), absent), no_lpips_overrides()));
  CHECK(spec_input_problems(quick).empty());
  CHECK(quick.name == "table1-quick");
  CHECK(quick.data.source == "synthetic");
  CHECK((quick.data.height == 32 && quick.data.width == 48));
  CHECK(plan_runs(quick).runs.size() == plan_runs(spec).runs.size());  // every row, at its own epochs

  // A root that is there but lacks bokeh/.
  std::filesystem::create_directories(dir.path() / "half" / "original");
  std::filesystem::create_directories(dir.path() / "test" / "original");
  std::filesystem::create_directories(dir.path() / "test" / "bokeh");
  const Spec half =
      load_spec(kSweepsFolder + "table1.yaml",
                plus({"data.root=" + dir.file("half"), "data.test_root=" + dir.file("test")}, no_lpips_overrides()));
  const SpecError e = refusal(half);
  CHECK(e.where().key == "data.root");
  CHECK(std::string(e.what()).find(dir.file("half") + " holds no bokeh/ folder") != std::string::npos);
  CHECK(std::string(e.what()).find("--quick") != std::string::npos);
}

TEST_CASE("a missing focus-mask folder is refused naming data.mask_root", "[spec][spec_inputs]") {
  TempDir dir;
  for (const char* side : {"original", "bokeh"}) std::filesystem::create_directories(dir.path() / "ebb" / side);
  const std::vector<std::string> ebb = {"data.root=" + dir.file("ebb"), "data.test_root=" + dir.file("ebb")};
  const Spec masked = load_spec(kSweepsFolder + "table1.yaml",
                                plus(plus(ebb, {"data.mask_root=" + dir.file("alpha")}), no_lpips_overrides()));
  const SpecError e = refusal(masked);
  CHECK(e.where().key == "data.mask_root");
  CHECK(std::string(e.what()).find(dir.file("alpha") + ": no such folder") != std::string::npos);

  std::filesystem::create_directories(dir.path() / "alpha");
  CHECK(spec_input_problems(load_spec(kSweepsFolder + "table1.yaml",
                                      plus(plus(ebb, {"data.mask_root=" + dir.file("alpha")}), no_lpips_overrides())))
            .empty());
}
