// Run expansion: grid counts and order, runs + grid semantics, duplicates, names, keys (checked
// against an FNV-1a written here), seeds, TrainConfig conversion, parameter counts and costs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "common/run_settings.h"
#include "common/model_arch.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {

const std::string kData =
    "data:\n"
    "  height: 32\n"
    "  width: 32\n"
    "  train_pairs: 4\n"
    "  val_pairs: 2\n"
    "  test_pairs: 2\n"
    "  synthetic: {count: 10, size: 32}\n";

RunPlan plan(const std::string& body, uint64_t seed = 0) {
  return plan_runs(parse_spec("sweep: t\nseed: " + std::to_string(seed) + "\n" + kData + body, "t.yaml"));
}

uint64_t reference_fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::vector<std::string> names(const RunPlan& p) {
  std::vector<std::string> out;
  for (const PlannedRun& r : p.runs) out.push_back(r.name);
  return out;
}

}  // namespace

TEST_CASE("a grid expands to the cartesian product with the first axis outermost", "[run_plan]") {
  const RunPlan p = plan(
      "base: {loss.lpips: 0}\n"
      "grid:\n"
      "  model.width: [32, 64]\n"
      "  model.depth: [2, 3, 4]\n"
      "  train.lr: [2.0e-4, 5.0e-4]\n");
  REQUIRE(p.runs.size() == 12);
  CHECK(p.duplicates.empty());
  CHECK(p.runs[0].name == "w32-d2-lr2e-4");
  CHECK(p.runs[1].name == "w32-d2-lr5e-4");
  CHECK(p.runs[2].name == "w32-d3-lr2e-4");
  CHECK(p.runs[11].name == "w64-d4-lr5e-4");
  std::set<std::string> keys;
  for (const PlannedRun& r : p.runs) keys.insert(r.key);
  CHECK(keys.size() == 12);
  const auto last = train_config_from_json(p.runs[11].config, 0);
  CHECK(last.model.width == 64);
  CHECK(last.model.depth == 4);
  CHECK(last.lr == 5e-4);
}

TEST_CASE("names come from the axes that vary or else from a run's own settings", "[run_plan]") {
  using Names = std::vector<std::string>;
  CHECK(names(plan("base: {loss.lpips: 0}\ngrid:\n  model.width: [8, 16]\n  train.epochs: [3]\n")) ==
        Names({"w8", "w16"}));
  CHECK(names(plan("base: {loss.lpips: 0}\ngrid:\n  train.epochs: [3]\n")) == Names({"ep3"}));
  CHECK(names(plan("base: {loss.lpips: 0}\n"
                   "runs:\n"
                   "  - {model.batch_norm: false, train.batch_size: 8}\n"
                   "  - {loss.ssim: 4, loss.l1: 2}\n"
                   "  - {}\n")) == Names({"nobn-bs8", "l1_2-ssim4", "base"}));
  CHECK(names(plan("base: {loss.lpips: 0}\n")) == Names({"base"}));
}

TEST_CASE("explicit runs and grid points both apply on base and the grid does not multiply the runs", "[run_plan]") {
  const RunPlan p = plan(
      "base: {loss.lpips: 0, model.width: 8}\n"
      "runs:\n"
      "  - {name: big, model.width: 16}\n"
      "  - {name: deep, model.depth: 4}\n"
      "grid:\n"
      "  train.lr: [1.0e-3, 2.0e-3]\n");
  CHECK((names(p) == std::vector<std::string>{"big", "deep", "lr1e-3", "lr2e-3"}));
  CHECK(train_config_from_json(p.runs[1].config, 0).model.width == 8);  // from base
  CHECK(train_config_from_json(p.runs[3].config, 0).model.width == 8);
  CHECK(train_config_from_json(p.runs[3].config, 0).model.depth == 3);  // the default
}

TEST_CASE("a point listed twice runs once and is reported", "[run_plan]") {
  const RunPlan p = plan(
      "base: {loss.lpips: 0}\n"
      "runs:\n"
      "  - {name: VBase, model.width: 16}\n"
      "  - {name: again, model: {width: 16}}\n"
      "grid:\n"
      "  model.width: [8, 16, 8]\n");
  CHECK((names(p) == std::vector<std::string>{"VBase", "w8"}));
  REQUIRE(p.duplicates.size() == 3);
  CHECK(p.duplicates[0].name == "again");
  CHECK(p.duplicates[0].same_as == "VBase");
  CHECK(p.duplicates[0].where.line == 13);
  CHECK(p.duplicates[1].name == "w16");
  CHECK(p.duplicates[1].same_as == "VBase");
  CHECK(p.duplicates[2].name == "w8");
  CHECK(p.duplicates[2].same_as == "w8");
  // Setting a default explicitly is the same run as leaving it out.
  const RunPlan q = plan("base: {loss.lpips: 0}\nruns:\n  - {name: a}\n  - {name: b, model.depth: 3}\n");
  CHECK(q.runs.size() == 1);
  CHECK(q.duplicates.size() == 1);
}

TEST_CASE("the key is FNV-1a 64 of the canonical config which holds every setting", "[run_plan]") {
  const RunPlan p = plan("base: {loss.lpips: 0}\nruns:\n  - {name: a, train.lr: 1.0e-3}\n");
  const PlannedRun& r = p.runs.at(0);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(reference_fnv1a(r.config.dump())));
  CHECK(r.key == hex);
  CHECK(config_key(r.config) == r.key);
  for (const Setting& s : run_settings()) CHECK_NOTHROW(setting_value(r.config, s.path));
  CHECK(r.config.dump().find("\"lr\":0.001") != std::string::npos);
  // Sorted keys: the dump of the config equals the dump of its re-parse.
  CHECK(nlohmann::json::parse(r.config.dump()).dump() == r.config.dump());
  // The same run in another sweep with another layout has the same key.
  const RunPlan other = plan("runs:\n  - name: x\n    train: {lr: 0.001}\n    loss: {lpips: 0.0}\n", 5);
  CHECK(other.runs.at(0).key == r.key);
}

TEST_CASE("defaults are the study's and the config converts to the trainer's struct", "[run_plan]") {
  const TrainConfig d = train_config_from_json(default_run_config(), 0);
  const TrainConfig study;
  CHECK(d.model.width == study.model.width);
  CHECK(d.model.depth == study.model.depth);
  CHECK(d.model.batch_norm == study.model.batch_norm);
  CHECK(d.lr == study.lr);
  CHECK(d.batch_size == study.batch_size);
  CHECK(d.epochs == study.epochs);
  CHECK(d.loss.l1 == 1.0);
  CHECK(d.loss.ssim == 1.0);
  CHECK(d.loss.lpips == 0.5);
  CHECK(d.scheduler.enabled == study.scheduler.enabled);

  const RunPlan p = plan(
      "metrics: {lpips_weights: w.bin}\n"
      "runs:\n"
      "  - {name: a, model: {width: 12, depth: 2, batch_norm: false},\n"
      "     train: {lr: 3.0e-4, batch_size: 6, epochs: 5, weight_decay: 0.01, augment: true,\n"
      "             scheduler: plateau, scheduler_factor: 0.5, scheduler_patience: 2},\n"
      "     loss: {l1: 2, ssim: 3, lpips: 0.25, focus: {levels: 2, in_focus_weight: 6, mask_scale: 0.1}}}\n");
  const PlannedRun& r = p.runs.at(0);
  const TrainConfig c = train_config_from_json(r.config, r.seed);
  CHECK(c.model.width == 12);
  CHECK(c.model.depth == 2);
  CHECK_FALSE(c.model.batch_norm);
  CHECK(c.lr == 3e-4);
  CHECK(c.batch_size == 6);
  CHECK(c.epochs == 5);
  CHECK(c.weight_decay == 0.01);
  CHECK(c.augment);
  CHECK(c.scheduler.enabled);
  CHECK(c.scheduler.factor == 0.5);
  CHECK(c.scheduler.patience == 2);
  CHECK(c.loss.l1 == 2);
  CHECK(c.loss.ssim == 3);
  CHECK(c.loss.lpips == 0.25);
  CHECK(c.loss.focus.levels == 2);
  CHECK(c.loss.focus.in_focus_weight == 6);
  CHECK(c.loss.focus.mask_scale == 0.1);
  CHECK(c.seed == r.seed);
}

TEST_CASE("run seeds derive from the sweep seed and the run key", "[run_plan]") {
  const std::string body = "base: {loss.lpips: 0}\ngrid:\n  model.width: [8, 16, 24]\n";
  const RunPlan a = plan(body, 1), b = plan(body, 1), c = plan(body, 2);
  std::set<uint64_t> seeds;
  for (size_t i = 0; i < 3; ++i) {
    CHECK(a.runs[i].seed == b.runs[i].seed);
    CHECK(a.runs[i].seed != c.runs[i].seed);
    CHECK(a.runs[i].seed == run_seed(1, a.runs[i].key));
    CHECK(a.runs[i].seed < (uint64_t{1} << 63));
    seeds.insert(a.runs[i].seed);
  }
  CHECK(seeds.size() == 3);
}

TEST_CASE("table1.yaml: the study's parameter counts and the duplicate VBase_2", "[run_plan]") {
  const RunPlan p = plan_runs(load_spec(std::string(BOKEH_SOURCE_DIR) + "/sweeps/table1.yaml"));
  REQUIRE(p.runs.size() == 10);
  REQUIRE(p.duplicates.size() == 1);
  CHECK(p.duplicates[0].name == "VBase_2");
  CHECK(p.duplicates[0].same_as == "VBase_2");
  std::map<std::string, const PlannedRun*> by_name;
  for (const PlannedRun& r : p.runs) by_name[r.name] = &r;
  const auto millions = [&](const std::string& name) { return std::round(by_name.at(name)->params / 1e4) / 100; };
  CHECK(millions("VBase_1") == Approx(1.86));
  CHECK(millions("VBase_2") == Approx(0.47));
  CHECK(millions("VBase_3") == Approx(7.70));
  CHECK(millions("w64-d4 lr5e-4 bs8") == Approx(7.70));
  CHECK(millions("VBase_2 no BN") == Approx(0.47));
  // Without BatchNorm each block's two BNs (4 x channels) become two conv biases (2 x channels):
  // blocks of 32, 64, 128 channels (encoder) and 64, 32 (decoder) lose 2 x 320 parameters.
  CHECK(by_name.at("VBase_2")->params - by_name.at("VBase_2 no BN")->params == 2 * (32 + 64 + 128 + 64 + 32));
}

TEST_CASE("cost = forward FLOPs x (3 x train + val) x epochs", "[run_plan]") {
  const RunPlan p = plan(
      "base: {loss.lpips: 0}\n"
      "runs:\n"
      "  - {name: a, model.width: 8, train.epochs: 2}\n"
      "  - {name: b, model.width: 8, train.epochs: 6}\n"
      "  - {name: c, model.width: 16, train.epochs: 2}\n");
  const double forward = model_facts("unet").forward_flops({8, 3, true}, 32, 32);
  CHECK(p.runs[0].cost_flops == Approx(forward * (3 * 4 + 2) * 2));
  CHECK(p.runs[1].cost_flops == Approx(3 * p.runs[0].cost_flops));
  // Doubling the width roughly quadruples the FLOPs of every conv but the first and the last.
  CHECK(p.runs[2].cost_flops / p.runs[0].cost_flops == Approx(4).epsilon(0.15));
  // The closed form equals a built U-Net's count (tests/training/test_unet.cpp checks that).
  CHECK(p.runs[0].params == model_facts("unet").parameters({8, 3, true}));
}

TEST_CASE("model.arch set to unet plans the run, key and seed of leaving it out, and an unknown arch is refused",
          "[run_plan]") {
  const RunPlan p = plan("base: {loss.lpips: 0}\nruns:\n  - {name: a}\n  - {name: b, model.arch: unet}\n", 3);
  CHECK(p.runs.size() == 1);
  CHECK(p.duplicates.size() == 1);
  const Spec forced = parse_spec("sweep: t\nseed: 3\n" + kData + "base: {loss.lpips: 0}\nruns:\n  - {name: a}\n",
                                 "t.yaml", {"model.arch=unet"});
  const RunPlan q = plan_runs(forced);
  CHECK(q.runs.at(0).key == p.runs.at(0).key);
  CHECK(q.runs.at(0).seed == p.runs.at(0).seed);
  CHECK(q.runs.at(0).config.at("model").dump() == R"({"batch_norm":true,"depth":3,"width":32})");
  CHECK(q.runs.at(0).params == 467'235);  // Table 1's 0.47M, from the U-Net's facts
  CHECK_THROWS_WITH(plan("base: {loss.lpips: 0, model.arch: resnet}\n"),
                    Catch::Contains("model.arch") && Catch::Contains("must be one of unet, pynet"));
}

TEST_CASE("model.arch pynet plans its own key and parameters, and refuses sides not multiples of 64", "[run_plan]") {
  const std::string data64 =
      "data: {height: 64, width: 128, train_pairs: 4, val_pairs: 2, test_pairs: 2,\n"
      "       synthetic: {count: 10, size: 128}}\n";
  const RunPlan p = plan_runs(parse_spec("sweep: t\nseed: 3\n" + data64 +
                                             "base: {loss.lpips: 0, model.width: 8}\n"
                                             "runs:\n  - {name: u}\n  - {name: p, model.arch: pynet}\n",
                                         "t.yaml"));
  REQUIRE(p.runs.size() == 2);
  CHECK(p.runs.at(0).key != p.runs.at(1).key);
  CHECK(p.runs.at(1).config.at("model").at("arch") == "pynet");
  CHECK(p.runs.at(1).params == 2'984'901);  // PyNET's facts at width 8, RGB
  CHECK_THROWS_WITH(plan("base: {loss.lpips: 0, model.arch: pynet}\n"),
                    "t.yaml:10: base.model.arch: is \"pynet\" but data is 32x32: PyNET needs both sides to be "
                    "multiples of 64 (a x0.5 downscale, space_to_depth(2) and 4 max-pools)");
}

TEST_CASE("model.attention plans a U-Net with gates under its own key, existing keys unchanged, and PyNET refuses it",
          "[run_plan]") {
  const std::string data64 =
      "data: {height: 64, width: 64, train_pairs: 4, val_pairs: 2, test_pairs: 2,\n"
      "       synthetic: {count: 10, size: 64}}\n";
  const RunPlan p = plan_runs(parse_spec("sweep: t\nseed: 3\n" + data64 +
                                             "base: {loss.lpips: 0, model.width: 8}\n"
                                             "runs:\n  - {name: plain}\n  - {name: gated, model.attention: true}\n"
                                             "  - {name: off, model.attention: false}\n",
                                         "t.yaml"));
  REQUIRE(p.runs.size() == 2);  // attention: false is the plain U-Net: the same run, once
  CHECK(p.runs.at(0).config.at("model").dump() == R"({"batch_norm":true,"depth":3,"width":8})");  // as before
  CHECK(p.runs.at(1).config.at("model").at("attention") == true);
  CHECK(p.runs.at(1).params > p.runs.at(0).params);
  CHECK_THROWS_WITH(
      plan_runs(parse_spec("sweep: t\nseed: 3\n" + data64 +
                               "base: {loss.lpips: 0, model.width: 8}\n"
                               "runs:\n  - {name: p, model.arch: pynet, model.attention: true}\n",
                           "t.yaml")),
      "t.yaml:7: runs[0].model.attention: is true but PyNET is not built from it (it applies to the U-Net)");
}
