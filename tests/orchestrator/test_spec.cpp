// Sweep specs: every spec in sweeps/ parses; malformed specs are rejected naming the right key and
// line; --set overrides; the canonical spec ignores layout and comments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/model_arch.h"
#include "common/run_settings.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/sweep/sweep_records.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {

const std::string kSweeps = std::string(BOKEH_SOURCE_DIR) + "/sweeps/";

// A valid head of 10 lines; cases append from line 11.
const std::string kHead =
    "sweep: t\n"                            // 1
    "data:\n"                               // 2
    "  height: 32\n"                        // 3
    "  width: 32\n"                         // 4
    "  train_pairs: 4\n"                    // 5
    "  val_pairs: 2\n"                      // 6
    "  test_pairs: 2\n"                     // 7
    "  synthetic: {count: 10, size: 32}\n"  // 8
    "base:\n"                               // 9
    "  loss: {lpips: 0}\n";                 // 10

// A head with a `search:` block whose space starts at line 15.
const std::string kSearchHead = kHead + "search:\n  method: random\n  trials: 2\n  space:\n";

struct BadSpec {
  const char* what;
  std::string text;
  std::vector<std::string> sets;
  std::string source;  // "" = the file, "bad.yaml"
  int line;
  std::string key;
  std::string fragment;  // part of the message
};

// Parses and plans `text` (the full validation), returning the error it must raise.
SpecError rejection(const BadSpec& c) {
  try {
    const Spec spec = parse_spec(c.text, "bad.yaml", c.sets);
    plan_runs(spec);
  } catch (const SpecError& e) {
    return e;
  }
  FAIL("accepted: " << c.what);
  throw std::logic_error("unreachable");
}

// Each case is refused at its source, line and key, with its fragment in the message.
void check_rejections(const std::vector<BadSpec>& cases) {
  for (const BadSpec& c : cases) {
    INFO(c.what);
    const SpecError e = rejection(c);
    INFO(e.what());
    CHECK(e.where().source == (c.source.empty() ? "bad.yaml" : c.source));
    CHECK(e.where().line == c.line);
    CHECK(e.where().key == c.key);
    CHECK(e.message().find(c.fragment) != std::string::npos);
    CHECK(std::string(e.what()).find(e.where().source) == 0);  // the message starts with the file
  }
}

}  // namespace

TEST_CASE("every spec in sweeps/ parses and expands", "[spec]") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSweeps)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path());
    const Spec spec = load_spec(entry.path().string());
    const RunPlan plan = plan_runs(spec);
    CHECK(spec.name == entry.path().stem().string());
    CHECK_FALSE((plan.runs.empty() && plan.trials.empty()));  // sampled trials: the plan previews them
    CHECK_FALSE(spec.tables.empty());
    ++count;
  }
  CHECK(count == 11);  // table1, table3, table4, future, demo, demo_asha, demo_focus, demo_mo, demo_pareto,
                       // demo_repeats, demo_tpe
}

TEST_CASE("the study's specs hold the study's rows", "[spec]") {
  const Spec t1 = load_spec(kSweeps + "table1.yaml");
  CHECK(t1.data.source == "ebb");
  CHECK(t1.data.train_pairs == 1024);
  CHECK(t1.data.val_pairs == 180);
  CHECK(t1.runs.size() == 11);  // Table 1's eleven rows, VBase_2 twice
  CHECK((t1.tables == std::vector<int64_t>{1, 2}));
  CHECK(t1.table_rows.at(1).all);  // Table 1: every run; Table 2: the study's three VBase rows
  CHECK((t1.table_rows.at(2).runs == std::vector<std::string>{"VBase_1", "VBase_2", "VBase_3"}));
  std::vector<std::string> readings;  // the rows the study does not print in full
  for (const RunEntry& r : t1.runs)
    if (!r.reading.empty()) readings.push_back(r.name);
  CHECK((readings ==
         std::vector<std::string>{"VBase_2 no BN", "w64-d4 lr5e-4 bs8", "VBase_2 30ep", "VBase_2 aug", "with wd"}));

  const Spec t3 = load_spec(kSweeps + "table3.yaml");
  const RunPlan p3 = plan_runs(t3);
  REQUIRE(p3.runs.size() == 4);
  const std::vector<std::array<double, 3>> weights = {{1, 1, 0.5}, {1, 1, 1}, {1, 1, 2}, {1, 4, 0.5}};
  for (size_t i = 0; i < 4; ++i) {
    const auto c = train_config_from_json(p3.runs[i].config, 0);
    CHECK(c.loss.l1 == weights[i][0]);
    CHECK(c.loss.ssim == weights[i][1]);
    CHECK(c.loss.lpips == weights[i][2]);
    CHECK(c.model.width == 32);
    CHECK(c.epochs == 10);
  }

  const Spec t4 = load_spec(kSweeps + "table4.yaml");
  CHECK(t4.data.train_pairs == 2048);
  CHECK(t4.data.val_pairs == 930);
  REQUIRE(t4.references.size() == 1);
  const Reference& pynet = t4.references[0];
  CHECK(pynet.name == "PyNET");
  CHECK_FALSE(pynet.epochs.has_value());
  CHECK_FALSE(pynet.runtime_min.has_value());
  CHECK(*pynet.params_m == 47.5);
  CHECK(*pynet.psnr == 23.28);
  CHECK(*pynet.ssim == 0.878);
  CHECK(*pynet.lpips == 0.2438);
  // PyNET trained beside it: the reference's 32 base maps, RGB only, at its learning rate; both in the table.
  const RunPlan p4 = plan_runs(t4);
  REQUIRE(p4.runs.size() == 2);
  CHECK(p4.runs[1].name == "PyNET");
  CHECK(p4.runs[1].params == 47550639);
  CHECK(train_config_from_json(p4.runs[1].config, 0).lr == 5e-5);
  CHECK((t4.table_rows.at(4).runs == std::vector<std::string>{"Vanilla U-Net Full Run", "PyNET"}));
  CHECK(t4.inference_repeats == 3);
  // The future-work sweep spans the study's 7.70M to PyNET's size, PyNET among them.
  const RunPlan future = plan_runs(load_spec(kSweeps + "future.yaml"));
  REQUIRE(future.runs.size() == 10);
  int64_t smallest = future.runs[0].params, largest = 0;
  for (const PlannedRun& r : future.runs)
    smallest = std::min(smallest, r.params), largest = std::max(largest, r.params);
  CHECK(smallest == bokeh::common::model_facts("unet").parameters({64, 4, true}));  // VBase_3, 7.70M
  CHECK(largest > 47000000);
  CHECK(largest < 50000000);
  const auto final_run = train_config_from_json(plan_runs(t4).runs.at(0).config, 0);
  CHECK(final_run.scheduler.enabled);
  CHECK(final_run.scheduler.patience == 3);
  CHECK(final_run.scheduler.factor == 0.8);
  CHECK(final_run.epochs == 30);

  const Spec demo = load_spec(kSweeps + "demo.yaml");
  CHECK(demo.data.source == "synthetic");
  CHECK((demo.tables == std::vector<int64_t>{1, 2, 3, 4}));
  CHECK(demo.base.at("loss.lpips").value == 0.0);
}

TEST_CASE("malformed specs are rejected naming the key and the line", "[spec]") {
  const std::vector<BadSpec> cases = {
      {"unknown top-level key", kHead + "sweeep: x\n", {}, "", 11, "sweeep", "did you mean \"sweep\""},
      {"no sweep name", "seed: 1\nbase:\n  loss: {lpips: 0}\n", {}, "", 1, "sweep", "missing"},
      {"bad sweep name", "sweep: a/b\n", {}, "", 1, "sweep", "letters, digits"},
      {"table out of range", kHead + "tables: [1, 5]\n", {}, "", 11, "tables[1]", "1..4"},
      {"negative seed", kHead + "seed: -1\n", {}, "", 11, "seed", ">= 0"},
      {"table 5 as a map key", kHead + "tables: {1: all, 5: all}\n", {}, "", 11, "tables.5", "1..4"},
      {"table rows neither all nor names",
       kHead + "tables: {2: best}\n",
       {},
       "",
       11,
       "tables.2",
       "all or a non-empty list of run names"},
      {"table rows: an empty list", kHead + "tables: {2: []}\n", {}, "", 11, "tables.2", "non-empty list"},
      {"table rows: a run named twice",
       kHead + "tables:\n  2: [a,\n    a]\nruns:\n  - {name: a}\n",
       {},
       "",
       13,
       "tables.2[1]",
       "named twice"},
      {"table rows: a run the spec lacks",
       kHead + "tables:\n  2: [a, VBase]\nruns:\n  - {name: a}\n",
       {},
       "",
       12,
       "tables.2",
       "does not define"},
      {"table rows: a name listed again for the same run",
       kHead + "tables: {2: [b]}\nruns:\n  - {name: a}\n  - {name: b}\n",
       {},
       "",
       11,
       "tables.2",
       "the same run as \"a\""},
      {"tables neither list nor map", kHead + "tables: 2\n", {}, "", 11, "tables", "a map from table number"},
      {"a reading that is not text",
       kHead + "runs:\n  - {name: a, reading: [x]}\n",
       {},
       "",
       12,
       "runs[0].reading",
       "non-empty text"},
      {"data source typo",
       "sweep: t\ndata:\n  source: ebbb\n  root: x\n",
       {},
       "",
       3,
       "data.source",
       "did you mean \"ebb\""},
      {"ebb without root",
       "sweep: t\ndata:\n  source: ebb\n  height: 64\n",
       {},
       "",
       2,
       "data.root",
       "data.root is missing"},
      {"zero height", "sweep: t\ndata:\n  height: 0\n", {}, "", 3, "data.height", ">= 1"},
      {"quoted number", "sweep: t\ndata:\n  width: \"64\"\n", {}, "", 3, "data.width", "must be an integer"},
      {"unknown data key", "sweep: t\ndata:\n  heigth: 32\n", {}, "", 3, "data.heigth", "did you mean \"height\""},
      {"too few synthetic pairs",
       "sweep: t\ndata:\n  train_pairs: 10\n  val_pairs: 5\n  test_pairs: 5\n  synthetic:\n    count: 12\n",
       {},
       "",
       7,
       "data.synthetic.count",
       "but 10 train / 5 validation / 5 test pairs need 28"},
      {"width 0", kHead + "runs:\n  - {name: a, model.width: 0}\n", {}, "", 12, "runs[0].model.width", ">= 1"},
      {"depth 0 in a grid", kHead + "grid:\n  model.depth: [2,\n    0]\n", {}, "", 13, "grid.model.depth[1]", ">= 1"},
      {"lr 0", kHead + "runs:\n  - name: a\n    train:\n      lr: 0\n", {}, "", 14, "runs[0].train.lr", ">= 1e-10"},
      {"negative lr in base",
       "sweep: t\nbase:\n  train.lr: -1e-4\n  loss.lpips: 0\n",
       {},
       "",
       3,
       "base.train.lr",
       ">= 1e-10"},
      {"subnormal lr by --set", kHead, {"train.lr=1e-320"}, "--set train.lr=1e-320", 0, "train.lr", ">= 1e-10"},
      {"huge lr by --set", kHead, {"train.lr=1e300"}, "--set train.lr=1e300", 0, "train.lr", "<= 10"},
      {"huge width",
       kHead + "runs:\n  - {name: a, model.width: 100000}\n",
       {},
       "",
       12,
       "runs[0].model.width",
       "<= 1024"},
      {"huge loss weight", kHead + "runs:\n  - {name: a, loss.l1: 1e30}\n", {}, "", 12, "runs[0].loss.l1", "<= 1000"},
      {"a sweep name longer than a file name allows",
       "sweep: " + std::string(300, 'n') + "\n",
       {},
       "",
       1,
       "sweep",
       "at most 100"},
      {"a run name longer than a file name allows",
       kHead + "runs:\n  - {name: " + std::string(300, 'r') + "}\n",
       {},
       "",
       12,
       "runs[0].name",
       "at most 100"},
      {"a run name with a slash", kHead + "runs:\n  - {name: a/b}\n", {}, "", 12, "runs[0].name", "'/'"},
      {"stall_minutes 0",
       kHead + "resources: {stall_minutes: 0}\n",
       {},
       "",
       11,
       "resources.stall_minutes",
       "(0, 10080]"},
      {"batch size 0", kHead + "runs:\n  - {train.batch_size: 0}\n", {}, "", 12, "runs[0].train.batch_size", ">= 1"},
      {"epochs 0 by --set", kHead, {"train.epochs=0"}, "--set train.epochs=0", 0, "train.epochs", ">= 1"},
      {"negative loss weight",
       kHead + "runs:\n  - {name: a, loss: {ssim: -1}}\n",
       {},
       "",
       12,
       "runs[0].loss.ssim",
       ">= 0"},
      {"all loss weights 0",
       kHead + "runs:\n  - name: zero\n    loss: {l1: 0, ssim: 0}\n",
       {},
       "",
       13,
       "runs[0].loss.l1",
       "all 0"},
      {"LPIPS (the default 0.5) without weights",
       "sweep: t\ndata:\n  height: 64\n  width: 64\nbase:\n  train: {epochs: 2}\n",
       {},
       "",
       5,
       "loss.lpips",
       "tools/export_lpips_weights.py"},
      {"LPIPS in a grid without weights",
       kHead + "grid:\n  loss.lpips: [0, 1]\n",
       {},
       "",
       12,
       "grid.loss.lpips",
       "metrics.lpips_weights is not set"},
      {"LPIPS on images under 31 pixels",
       "sweep: t\ndata:\n  height: 16\n  width: 16\n  train_pairs: 4\n  val_pairs: 2\n  test_pairs: 2\n"
       "  synthetic: {count: 10}\nmetrics: {lpips_weights: w.bin}\n",
       {},
       "",
       1,
       "loss.lpips",
       "31x31"},
      {"unknown run setting",
       kHead + "runs:\n  - {train.bach_size: 8}\n",
       {},
       "",
       12,
       "runs[0].train.bach_size",
       "did you mean \"train.batch_size\""},
      {"empty grid", kHead + "grid: {}\n", {}, "", 11, "grid", "empty grid"},
      {"empty grid axis", kHead + "grid:\n  model.width: []\n", {}, "", 12, "grid.model.width", "empty grid axis"},
      {"grid axis not a list",
       kHead + "grid:\n  model:\n    width: 8\n",
       {},
       "",
       13,
       "grid.model.width",
       "must be a list"},
      {"empty runs", kHead + "runs: []\n", {}, "", 11, "runs", "is empty"},
      {"run not a map", kHead + "runs:\n  - 5\n", {}, "", 12, "runs[0]", "must be a map"},
      {"not a boolean",
       kHead + "runs:\n  - {model.batch_norm: maybe}\n",
       {},
       "",
       12,
       "runs[0].model.batch_norm",
       "true or false"},
      {"unknown scheduler",
       kHead + "runs:\n  - {train.scheduler: cosine}\n",
       {},
       "",
       12,
       "runs[0].train.scheduler",
       "one of plateau, none"},
      {"scheduler factor >= 1",
       kHead + "runs:\n  - {train.scheduler_factor: 1.5}\n",
       {},
       "",
       12,
       "runs[0].train.scheduler_factor",
       "< 1"},
      {"depth too deep for 32x32",
       kHead + "runs:\n  - {name: deep, model.depth: 7}\n",
       {},
       "",
       12,
       "runs[0].model.depth",
       "both sides >= 64"},
      {"key given twice", "sweep: t\nseed: 1\nseed: 2\n", {}, "", 3, "seed", "given twice"},
      {"YAML syntax error", "sweep: t\ndata: {height: 3\nbase: 1\n", {}, "", 3, "", "YAML syntax error"},
      {"one name, two runs",
       kHead + "runs:\n  - {name: a, model.width: 8}\n  - {name: a, model.width: 16}\n",
       {},
       "",
       13,
       "runs[1]",
       "already names a different run"},
      {"run settings at the top", kHead + "model: {width: 8}\n", {}, "", 11, "model", "belong under base"},
      {"reference without source",
       kHead + "references:\n  - {name: PyNET, psnr: 23.28}\n",
       {},
       "",
       12,
       "references[0].source",
       "missing"},
      {"max_attempts 0", kHead + "resources: {max_attempts: 0}\n", {}, "", 11, "resources.max_attempts", ">= 1"},
      {"batch not split by ranks_per_run",
       kHead + "resources: {ranks_per_run: 3}\nruns:\n  - {name: a, train.batch_size: 4}\n",
       {},
       "",
       13,
       "runs[0].train.batch_size",
       "a multiple of 3"},
      {"unknown device", kHead + "resources: {device: gpu}\n", {}, "", 11, "resources.device", "auto, cpu, cuda"},
      {"runs_per_gpu 0", kHead + "resources: {runs_per_gpu: 0}\n", {}, "", 11, "resources.runs_per_gpu", ">= 1"},
      {"runs_per_gpu with ranks_per_run",
       kHead + "resources: {runs_per_gpu: 2, ranks_per_run: 2}\n",
       {},
       "",
       11,
       "resources",
       "share a GPU"},
      {"unknown precision",
       kHead + "runs:\n  - {train.precision: fp8}\n",
       {},
       "",
       12,
       "runs[0].train.precision",
       "one of auto, fp32, bf16, fp16"},
      {"settings section not a map", "sweep: t\nbase:\n  model: 5\n", {}, "", 3, "base.model", "map of model.*"},
      {"unknown setting by --set",
       kHead,
       {"train.epoch=3"},
       "--set train.epoch=3",
       0,
       "train.epoch",
       "did you mean \"train.epochs\""},
      {"bad document value by --set", kHead, {"data.height=-5"}, "--set data.height=-5", 0, "data.height", ">= 1"},
      {"--set without '='", kHead, {"train.epochs"}, "--set train.epochs", 0, "", "key.path=value"},
      {"search without method",
       kHead + "search:\n  trials: 3\n  space: {train.lr: {uniform: [0.1, 1]}}\n",
       {},
       "",
       11,
       "search.method",
       "missing"},
      {"unknown search method",
       kHead + "search: {method: grid, trials: 3, space: {train.lr: {uniform: [0.1, 1]}}}\n",
       {},
       "",
       11,
       "search.method",
       "one of random, sobol"},
      {"zero trials",
       kHead + "search: {method: sobol, trials: 0, space: {train.lr: {uniform: [0.1, 1]}}}\n",
       {},
       "",
       11,
       "search.trials",
       ">= 1"},
      {"empty space",
       kHead + "search: {method: random, trials: 2, space: {}}\n",
       {},
       "",
       11,
       "search.space",
       "is empty"},
      {"unknown setting in a space",
       kSearchHead + "    train.lrr: {uniform: [0.1, 1]}\n",
       {},
       "",
       15,
       "search.space.train.lrr",
       "did you mean \"train.lr\""},
      {"space value not a distribution",
       kSearchHead + "    train.lr: [1.0e-4, 1.0e-2]\n",
       {},
       "",
       15,
       "search.space.train.lr",
       "must be a distribution"},
      {"loguniform from 0",
       kSearchHead + "    train.lr: {loguniform: [0, 1]}\n",
       {},
       "",
       15,
       "search.space.train.lr.loguniform[0]",
       ">= 1e-10"},
      {"int range on a real setting",
       kSearchHead + "    train.lr: {int: [1, 3]}\n",
       {},
       "",
       15,
       "search.space.train.lr.int",
       "not an integer setting"},
      {"uniform on an integer setting",
       kSearchHead + "    model:\n      width: {uniform: [4, 8]}\n",
       {},
       "",
       16,
       "search.space.model.width.uniform",
       "int: [a, b] or choice"},
      {"range upside down",
       kSearchHead + "    model.width: {int: [8, 4]}\n",
       {},
       "",
       15,
       "search.space.model.width.int",
       "low must be below high"},
      {"range out of the setting's range",
       kSearchHead + "    model.width: {int: [0, 4]}\n",
       {},
       "",
       15,
       "search.space.model.width.int[0]",
       ">= 1"},
      {"two distributions",
       kSearchHead + "    loss.ssim: {uniform: [0.5, 2], loguniform: [0.5, 2]}\n",
       {},
       "",
       15,
       "search.space.loss.ssim.loguniform",
       "one distribution per setting"},
      {"log on a uniform",
       kSearchHead + "    loss.ssim: {uniform: [0.5, 2], log: true}\n",
       {},
       "",
       15,
       "search.space.loss.ssim.log",
       "int ranges only"},
      {"a choice the setting does not allow",
       kSearchHead + "    train.scheduler: {choice: [plateau, cosine]}\n",
       {},
       "",
       15,
       "search.space.train.scheduler.choice[1]",
       "one of plateau, none"},
      {"unknown early stopping",
       kHead + "early_stopping: {method: hyperband}\n",
       {},
       "",
       11,
       "early_stopping.method",
       "one of asha"},
      {"reduction factor 1",
       kHead + "early_stopping: {method: asha, reduction_factor: 1}\n",
       {},
       "",
       11,
       "early_stopping.reduction_factor",
       ">= 2"},
      {"no rung below the last epoch",
       kHead + "early_stopping: {method: asha, min_epochs: 10}\n",
       {},
       "",
       11,
       "early_stopping.min_epochs",
       "never stop a run"},
  };
  REQUIRE(cases.size() >= 20);
  check_rejections(cases);
}

TEST_CASE("text that is not UTF-8 is refused where it is read with its file and line and key", "[spec]") {
  // Such a spec used to pass the dry run, then a real start failed storing it as JSON with no place named.
  const std::string bad = "\xff";
  const std::vector<BadSpec> cases = {
      {"run name", kHead + "runs:\n  - name: ab" + bad + "\n", {}, "", 12, "runs[0].name", "byte 0xFF at offset 2"},
      {"run reading", kHead + "runs:\n  - {name: a, reading: x" + bad + "}\n", {}, "", 12, "runs[0].reading", "UTF-8"},
      {"metrics.lpips_weights",
       kHead + "metrics: {lpips_weights: w" + bad + ".bin}\n",
       {},
       "",
       11,
       "metrics.lpips_weights",
       "UTF-8"},
      {"reference name",
       kHead + "references:\n  - {name: r" + bad + ", source: s}\n",
       {},
       "",
       12,
       "references[0].name",
       "UTF-8"},
      {"a character cut short", kHead + "runs:\n  - name: ab\xc3\n", {}, "", 12, "runs[0].name", "UTF-8"},
      {"data.root by --set", kHead, {"data.root=/d" + bad}, "--set data.root=/d" + bad, 0, "", "UTF-8"},
      {"a --set value's comment", kHead, {"seed=1 #" + bad}, "--set seed=1 #" + bad, 0, "", "offset 8"},
  };
  check_rejections(cases);
}

TEST_CASE("UTF-8 names and paths beyond ASCII are kept and stored as JSON", "[spec]") {
  const Spec spec =
      parse_spec(kHead + "runs:\n  - {name: \"Ünet-ß\", reading: \"≈ 0.5\"}\n", "ok.yaml", {"data.root=/données"});
  CHECK(spec.runs.at(0).name == "Ünet-ß");
  CHECK(spec.data.root == "/données");
  const std::string stored = canonical_spec(spec).dump();
  CHECK(stored.find("Ünet-ß") != std::string::npos);
  CHECK(nlohmann::json(spec.overrides).dump() == "[\"data.root=/données\"]");
}

TEST_CASE("a missing spec file is an error naming it", "[spec]") {
  try {
    load_spec("/nonexistent/spec.yaml");
    FAIL("no error");
  } catch (const SpecError& e) {
    CHECK(e.where().source == "/nonexistent/spec.yaml");
    CHECK(std::string(e.what()).find("cannot read") != std::string::npos);
  }
}

TEST_CASE("set overrides reach run settings in every run and any place in the document", "[spec]") {
  const std::string text = kHead +
                           "runs:\n"
                           "  - {name: a, train.epochs: 7}\n"
                           "  - {name: b, model.width: 16}\n"
                           "grid:\n"
                           "  model.depth: [1, 2]\n";
  const Spec plain = parse_spec(text, "s.yaml");
  CHECK(plan_runs(plain).runs.size() == 4);

  const std::vector<std::string> sets = {"train.epochs=2",        "data.height=64", "grid.model.depth=[2, 3, 4]",
                                         "runs.1.model.width=24", "seed=9",         "train.epochs=3"};
  const Spec spec = parse_spec(text, "s.yaml", sets);
  CHECK(spec.overrides == sets);
  CHECK(spec.data.height == 64);
  CHECK(spec.seed == 9);
  const RunPlan plan = plan_runs(spec);
  // a, b and grid points d2, d4; d3 is now run a (epochs forced to 3 in both), reported as a duplicate.
  REQUIRE(plan.runs.size() == 4);
  REQUIRE(plan.duplicates.size() == 1);
  CHECK(plan.duplicates[0].name == "d3");
  CHECK(plan.duplicates[0].same_as == "a");
  for (const PlannedRun& r : plan.runs) CHECK(train_config_from_json(r.config, 0).epochs == 3);  // the last --set wins
  CHECK(train_config_from_json(plan.runs[1].config, 0).model.width == 24);
  CHECK(plan.runs[3].name == "d4");
  CHECK(canonical_spec(spec)["set"]["train.epochs"] == 3);
  CHECK(canonical_spec(spec) != canonical_spec(plain));
  CHECK(nlohmann::json::parse(sweep_info(spec).overrides_json) == nlohmann::json(sets));
}

TEST_CASE("named table rows and readings are part of the canonical spec, a list of tables stays as it was", "[spec]") {
  const std::string runs = "runs:\n  - {name: a, reading: read so}\n  - {name: b, model.width: 8}\n";
  const Spec listed = parse_spec(kHead + "tables: [1, 2]\n" + runs, "l.yaml");
  const nlohmann::json l = canonical_spec(listed);
  CHECK(l["tables"] == nlohmann::json::array({1, 2}));
  CHECK_FALSE(l.contains("table_rows"));
  CHECK(l["runs"][0]["reading"] == "read so");
  CHECK_FALSE(l["runs"][1].contains("reading"));

  const Spec mapped = parse_spec(kHead + "tables: {2: [b, a], 1: all}\n" + runs, "m.yaml");
  CHECK((mapped.tables == std::vector<int64_t>{2, 1}));
  CHECK((mapped.table_rows.at(2).runs == std::vector<std::string>{"b", "a"}));
  CHECK(mapped.table_rows.at(1).all);
  const nlohmann::json m = canonical_spec(mapped);
  CHECK(m["table_rows"] == nlohmann::json({{"1", "all"}, {"2", {"b", "a"}}}));
  CHECK(plan_runs(mapped).runs.size() == 2);
}

TEST_CASE("the canonical spec ignores layout and comments and key spelling", "[spec]") {
  const Spec a = parse_spec(kHead + "runs:\n  - {name: a, model: {width: 8, depth: 2}}\n", "a.yaml");
  const Spec b = parse_spec(
      "# the same sweep, written differently\n"
      "base: {loss.lpips: 0.0}\n"
      "runs:\n"
      "  - name: a\n"
      "    model.depth: 2   # dotted\n"
      "    model.width: 8\n"
      "data: {width: 32, height: 32, synthetic: {size: 32, count: 10}, test_pairs: 2, val_pairs: 2, train_pairs: 4}\n"
      "sweep: t\n",
      "b.yaml");
  CHECK(canonical_spec(a).dump() == canonical_spec(b).dump());
  CHECK(sweep_info(a).spec_hash == sweep_info(b).spec_hash);
  const Spec c = parse_spec(kHead + "runs:\n  - {name: a, model: {width: 8, depth: 3}}\n", "c.yaml");
  CHECK(canonical_spec(a) != canonical_spec(c));
  CHECK(sweep_info(a).spec_hash != sweep_info(c).spec_hash);
}

TEST_CASE("metrics.inference_repeats is read, bounded, and left out of the spec's identity", "[spec]") {
  const Spec plain = parse_spec(kHead, "p.yaml");
  CHECK(plain.inference_repeats == 0);  // not measured unless asked for
  const Spec timed = parse_spec(kHead + "metrics: {inference_repeats: 3}\n", "t.yaml");
  CHECK(timed.inference_repeats == 3);
  CHECK(parse_spec(kHead, "s.yaml", {"metrics.inference_repeats=5"}).inference_repeats == 5);
  // Timing inference changes nothing a run trains: the canonical spec (the sweep's identity) is the same.
  CHECK(canonical_spec(timed) == canonical_spec(plain));
  for (const auto& [value, says] :
       std::vector<std::pair<std::string, std::string>>{{"-1", ">= 0"}, {"101", "at most 100"}, {"two", "integer"}}) {
    INFO(value);
    try {
      parse_spec(kHead + "metrics: {inference_repeats: " + value + "}\n", "bad.yaml");
      FAIL("accepted inference_repeats " << value);
    } catch (const SpecError& e) {
      CHECK_THAT(e.what(), Catch::Contains("bad.yaml:11: metrics.inference_repeats") && Catch::Contains(says));
    }
  }
}
