// The canonical spec's JSON: its bytes pinned (databases hold them: a stored sweep is compared with its
// spec's canonical form on resume), and what the reports read back from it equal to what the parser read.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "orchestrator/spec_format/canonical_spec.h"
#include "orchestrator/spec/spec.h"

using namespace bokeh::orchestrator;

namespace {

// Every section the canonical form holds: a map of table rows, repeats, data, metrics, resources, base,
// runs with a reading and their own repeats, a grid, a TPE search over each distribution with a budget,
// early stopping on the train loss and two reference rows, one with unknown cells.
const std::string kFullSpec =
    "sweep: pinned\n"
    "tables: {1: all, 2: [b, a]}\n"
    "seed: 5\n"
    "repeats: 2\n"
    "data:\n"
    "  source: synthetic\n"
    "  height: 32\n"
    "  width: 48\n"
    "  train_pairs: 8\n"
    "  val_pairs: 2\n"
    "  test_pairs: 3\n"
    "  split_seed: 4\n"
    "  synthetic: {count: 20, size: 40, seed: 9, focus: 0.25, aperture: 1.5}\n"
    "metrics: {lpips_weights: weights/alex.bin}\n"
    "resources: {device: cpu, threads: 2, max_attempts: 3, runs_per_gpu: 2, stall_minutes: 5}\n"
    "base:\n"
    "  model: {depth: 2}\n"
    "  train: {epochs: 9, lr: 0.0003}\n"
    "  loss: {lpips: 0}\n"
    "runs:\n"
    "  - name: a\n"
    "    model.width: 8\n"
    "    reading: read as eight\n"
    "  - name: b\n"
    "    train: {batch_size: 2}\n"
    "    repeats: 3\n"
    "grid:\n"
    "  loss.ssim: [0.5, 2]\n"
    "search:\n"
    "  method: tpe\n"
    "  trials: 6\n"
    "  seed: 11\n"
    "  n_startup_trials: 3\n"
    "  budget_epochs: 40\n"
    "  space:\n"
    "    train.lr: {loguniform: [1.0e-4, 3.0e-3]}\n"
    "    model.width: {int: [4, 16], log: true}\n"
    "    loss.l1: {uniform: [0.5, 2]}\n"
    "    model.batch_norm: {choice: [true, false]}\n"
    "early_stopping: {method: asha, metric: train_loss, min_epochs: 2, reduction_factor: 2}\n"
    "references:\n"
    "  - {name: PyNET, source: Ignatov et al. 2020, epochs: 100, params_m: 47.5, runtime_min: 600, psnr: 23.28, ssim: "
    "0.878, lpips: 0.2438}\n"
    "  - {name: DMSHN, source: Dutta 2021, psnr: 24.65, ssim: \"?\"}\n";

// canonical_spec(parse_spec(kFullSpec)).dump() and that of sweeps/demo.yaml as written before the
// writer and its reader were put together (commit 3659145).
const std::string kFullCanonical =
    R"({"base":{"loss.lpips":0.0,"model.depth":2,"train.epochs":9,"train.lr":0.0003},"data":{"height":32,"root":"",)"
    R"("source":"synthetic","split_seed":4,"synthetic":{"aperture":1.5,"count":20,"focus":0.25,"seed":9,"size":40},)"
    R"("test_pairs":3,"test_root":"","train_pairs":8,"val_pairs":2,"width":48},"early_stopping":{"method":"asha",)"
    R"("metric":"train_loss","min_epochs":2,"reduction_factor":2},"grid":[{"key":"loss.ssim","values":[0.5,)"
    R"(2.0]}],"metrics":{"lpips_weights":"weights/alex.bin"},"references":[{"epochs":100,"lpips":0.2438,"name":"PyNET",)"
    R"("params_m":47.5,"psnr":23.28,"runtime_min":600.0,"source":"Ignatov et al. 2020","ssim":0.878},{"epochs":null,)"
    R"("lpips":null,"name":"DMSHN","params_m":null,"psnr":24.65,"runtime_min":null,"source":"Dutta 2021","ssim":null}],)"
    R"("repeats":2,"resources":{"device":"cpu","max_attempts":3,"ranks_per_run":1,"runs_per_gpu":2,"threads":2},)"
    R"("runs":[{"name":"a","reading":"read as eight","settings":{"model.width":8}},{"name":"b","repeats":3,)"
    R"("settings":{"train.batch_size":2}}],"search":{"budget_epochs":40,"method":"tpe","n_startup_trials":3,)"
    R"("seed":11,"space":[{"distribution":"loguniform","key":"train.lr","range":[0.0001,0.003]},{"distribution":"int",)"
    R"("key":"model.width","log":true,"range":[4.0,16.0]},{"distribution":"uniform","key":"loss.l1","range":[0.5,)"
    R"(2.0]},{"choices":[true,false],"distribution":"choice","key":"model.batch_norm"}],"trials":6},"seed":5,)"
    R"("set":{},"sweep":"pinned","table_rows":{"1":"all","2":["b","a"]},"tables":[1,2]})";
const std::string kDemoCanonical =
    R"({"base":{"loss.l1":1.0,"loss.lpips":0.0,"loss.ssim":1.0,"model.batch_norm":true,"model.depth":3,"model.width":16,)"
    R"("train.batch_size":4,"train.epochs":4,"train.lr":0.001},"data":{"height":64,"root":"","source":"synthetic",)"
    R"("split_seed":0,"synthetic":{"aperture":1.0,"count":200,"focus":0.5,"seed":7,"size":64},"test_pairs":24,)"
    R"("test_root":"","train_pairs":96,"val_pairs":32,"width":64},"grid":[{"key":"model.width","values":[8,)"
    R"(16]},{"key":"model.depth","values":[2,3]}],"metrics":{"lpips_weights":""},"references":[],"resources":{"device":"cpu",)"
    R"("max_attempts":2,"ranks_per_run":1,"runs_per_gpu":1,"threads":0},"runs":[{"name":"w16-d3-lr2e-4","settings":{"train.lr":0.0002}},)"
    R"({"name":"w16-d3-nobn","settings":{"model.batch_norm":false}},{"name":"SSIM Heavy","settings":{"loss.ssim":4.0}}],)"
    R"("seed":1,"select":{"metric":"val_psnr"},"set":{},"sweep":"demo","tables":[1,2,3,4]})";

}  // namespace

TEST_CASE("the canonical spec's bytes are those stored sweeps hold", "[canonical_spec]") {
  CHECK(canonical_spec(parse_spec(kFullSpec, "full.yaml")).dump() == kFullCanonical);
  CHECK(canonical_spec(load_spec(std::string(BOKEH_SOURCE_DIR) + "/sweeps/demo.yaml")).dump() == kDemoCanonical);
}

TEST_CASE("a stored canonical spec reads back as the parser read the spec", "[canonical_spec]") {
  const Spec spec = parse_spec(kFullSpec, "full.yaml");
  const StoredSpec stored = read_stored_spec(canonical_spec(spec).dump());
  CHECK(stored.tables == spec.tables);
  REQUIRE(stored.table_rows.size() == spec.table_rows.size());
  for (const auto& [number, rows] : spec.table_rows) {
    INFO(number);
    CHECK(stored.table_rows.at(number).all == rows.all);
    CHECK(stored.table_rows.at(number).runs == rows.runs);
  }
  CHECK(stored.table_rows.at(1).all);
  CHECK(stored.table_rows.at(2).runs == std::vector<std::string>{"b", "a"});
  REQUIRE(stored.data);
  CHECK(*stored.data == spec.data);
  CHECK(stored.data->synthetic.focus == 0.25);
  CHECK(stored.readings == std::map<std::string, std::string>{{"a", "read as eight"}});
  // Every field but `where` (a stored spec has no lines).
  const auto fields = [](const SearchDimension& d) {
    return std::tie(d.path, d.distribution, d.low, d.high, d.log, d.choices);
  };
  REQUIRE(stored.space.size() == spec.search.dimensions.size());
  for (size_t i = 0; i < stored.space.size(); ++i) {
    INFO(spec.search.dimensions[i].path);
    CHECK(fields(stored.space[i]) == fields(spec.search.dimensions[i]));
    CHECK(stored.space[i].log_scale() == (i < 2));  // loguniform, int with log
  }
  CHECK(stored.space[1].log);
  CHECK(stored.space[3].choices == std::vector<nlohmann::json>{true, false});
  CHECK(stored.sampled == std::vector<std::string>{"train.lr", "model.width", "loss.l1", "model.batch_norm"});
  // The grid's axis, the sampled settings, then the runs' own settings.
  CHECK(stored.varied == std::vector<std::string>{"loss.ssim", "train.lr", "model.width", "loss.l1", "model.batch_norm",
                                                  "train.batch_size"});
  REQUIRE(stored.early_stopping);
  CHECK(stored.early_stopping->method == spec.early_stopping.method);
  CHECK(stored.early_stopping->metric.metric == "train_loss");
  CHECK(stored.early_stopping->min_epochs == 2);
  CHECK(stored.early_stopping->reduction_factor == 2);
  REQUIRE(stored.references.size() == 2);
  CHECK(stored.references[0].runtime_min == 600);
  CHECK(stored.references[1].psnr == 24.65);
  CHECK_FALSE(stored.references[1].ssim);
}

TEST_CASE("a stored spec's data, dimensions and early stopping that do not read whole read as absent",
          "[canonical_spec]") {
  const Spec spec = parse_spec(kFullSpec, "full.yaml");
  nlohmann::json json = canonical_spec(spec);
  json["data"]["height"] = "tall";
  json["search"]["space"][0]["distribution"] = "normal";
  json["search"]["space"][1].erase("range");
  json["early_stopping"]["metric"] = "psnr";
  const StoredSpec odd = read_stored_spec(json.dump());
  CHECK_FALSE(odd.data);
  REQUIRE(odd.space.size() == 2);
  CHECK(odd.space[0].path == "loss.l1");
  CHECK(odd.space[1].distribution == Distribution::Choice);
  CHECK(odd.sampled.size() == 4);  // still sampled: the trials table shows their values
  CHECK_FALSE(odd.early_stopping);
  json.erase("data");
  json["early_stopping"]["metric"] = "val_loss";
  json["early_stopping"]["method"] = "median";
  const StoredSpec missing = read_stored_spec(json.dump());
  CHECK_FALSE(missing.data);
  CHECK_FALSE(missing.early_stopping);
}

TEST_CASE("data.mask_root is in the canonical form only when set, and reads back", "[canonical_spec]") {
  const std::string ebb = "sweep: masked\ndata: {source: ebb, root: data/ebb/Training, mask_root: data/ebb/alpha}\n";
  const Spec spec = parse_spec(ebb, "masked.yaml");
  CHECK(spec.data.mask_root == "data/ebb/alpha");
  CHECK(spec.locations.at("data.mask_root").line == 2);
  const nlohmann::json json = canonical_spec(spec);
  CHECK(json["data"]["mask_root"] == "data/ebb/alpha");
  const StoredSpec stored = read_stored_spec(json.dump());
  REQUIRE(stored.data);
  CHECK(*stored.data == spec.data);
  // Unset: no key at all (the pinned bytes above hold none), and a stored form without it reads as unset.
  CHECK_FALSE(canonical_spec(parse_spec(kFullSpec, "full.yaml"))["data"].contains("mask_root"));
  nlohmann::json before = json;
  before["data"].erase("mask_root");
  REQUIRE(read_stored_spec(before.dump()).data);
  CHECK(read_stored_spec(before.dump()).data->mask_root.empty());
}
