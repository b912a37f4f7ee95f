// `report --export optuna FILE` read back by Optuna itself (optuna.load_study over JournalStorage):
// the study's name and direction, and each run a trial with its params and distributions (the search
// space's, the lr range widened to the listed run's value), its objective per epoch, state and value.
#include <catch2/catch.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <set>

#include "reports/export/export_objective.h"
#include "support/process_runner.h"
#include "reports/export/export_fixture.h"

using namespace bokeh;
using nlohmann::json;

namespace {

// The first 19 characters of the ISO time Python prints for unix seconds `t`, in UTC.
std::string iso_seconds(double t) {
  const auto whole = static_cast<std::time_t>(std::floor(t));
  std::tm utc{};
  gmtime_r(&whole, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}", utc);
}

}  // namespace

TEST_CASE("the exported objective is the sweep's search objective (val_loss without one): best, last, per epoch",
          "[export]") {
  orchestrator::StoredSpec spec;
  const std::vector<reports::ExportObjective> plain = reports::export_objectives(spec);
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].figure == "val_loss");
  CHECK(plain[0].better == common::Better::Lower);
  spec.search_objective = common::Objective{"train_loss", false};
  const reports::ExportObjective train = reports::export_objectives(spec).at(0);
  CHECK(train.figure == "train_loss");
  const std::vector<orchestrator::EpochRecord> epochs = {test::ExportFixture::epoch(1, 0.5, 0.9, 1e-3),
                                                         test::ExportFixture::epoch(2, 0.3, 0.8, 1e-3),
                                                         test::ExportFixture::epoch(3, 0.4, 0.7, 1e-3)};
  CHECK(reports::objective_best(train, epochs) == 0.3);
  CHECK(reports::objective_last(train, epochs) == 0.4);
  CHECK(reports::objective_best(plain[0], epochs) == 0.7);
  // A figure an epoch lacks (validation PSNR before it was computed) is skipped; higher is better there.
  spec.search_objective = *common::find_objective("val_psnr");
  const reports::ExportObjective psnr = reports::export_objectives(spec).at(0);
  CHECK(psnr.better == common::Better::Higher);
  std::vector<orchestrator::EpochRecord> some = epochs;
  some[0].val_psnr = 21.0;
  some[1].val_psnr = 23.0;
  CHECK(reports::objective_at(psnr, some[2]) == std::nullopt);
  CHECK(reports::objective_best(psnr, some) == 23.0);
  CHECK(reports::objective_last(psnr, some) == 23.0);
  CHECK(reports::objective_best(psnr, epochs) == std::nullopt);
}

TEST_CASE("Optuna loads the exported journal: trials, params, distributions, values, intermediate values, states",
          "[export]") {
  test::ExportFixture fixture;
  const std::string file = fixture.dir.file("exported.journal");
  const test::ToolResult exported =
      test::run_tool(fixture.dir, "report", "--export optuna " + file + " --sweep exported --db " + fixture.db_path);
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  CHECK(exported.out == file + "\n");
  const json study = test::read_back("read_optuna.py", file);
  CHECK(study["study_name"] == "exported");
  CHECK(study["directions"] == json{"MINIMIZE"});
  CHECK(study["best_trial"] == 0);
  const json& trials = study["trials"];
  REQUIRE(trials.size() == 5);

  const json lr = {{"name", "FloatDistribution"},
                   {"attributes", {{"low", 1e-4}, {"high", 0.05}, {"log", true}, {"step", nullptr}}}};
  const json width = {{"name", "IntDistribution"},
                      {"attributes", {{"low", 4}, {"high", 16}, {"log", false}, {"step", 1}}}};
  const json bn = {{"name", "CategoricalDistribution"}, {"attributes", {{"choices", {true, false}}}}};
  struct Expected {
    std::string name, state;
    double lr;
    int width;
    bool bn;
    json values;
    json intermediate;
  };
  const std::vector<Expected> expected = {
      {"listed", "COMPLETE", 0.05, 8, true, {0.6}, {{"1", 0.8}, {"2", 0.6}, {"3", 0.62}}},
      {"trial-01", "PRUNED", 1e-3, 12, false, {0.95}, {{"1", 0.95}}},
      {"trial-02", "FAIL", 2e-4, 10, true, nullptr, {{"1", 1.1}}},
      {"trial-03", "RUNNING", 5e-3, 6, false, nullptr, {{"1", 0.9}, {"2", 0.7}}},
      {"trial-04", "WAITING", 1e-4, 16, true, nullptr, json::object()},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    const Expected& e = expected[i];
    const json& t = trials[i];
    INFO(e.name);
    CHECK(t["number"] == i);
    CHECK(t["user_attrs"]["run_name"] == e.name);
    CHECK(t["user_attrs"]["run_key"] == fixture.run(e.name).key);
    CHECK(t["state"] == e.state);
    CHECK(t["params"] == json{{"train.lr", e.lr}, {"model.width", e.width}, {"model.batch_norm", e.bn}});
    CHECK(t["distributions"] == json{{"train.lr", lr}, {"model.width", width}, {"model.batch_norm", bn}});
    CHECK(t["values"] == e.values);
    CHECK(t["intermediate_values"] == e.intermediate);
    CHECK(t["validation"] == "ok");  // Optuna's own FrozenTrial._validate()
    const orchestrator::RunRecord& run = fixture.run(e.name);
    if (e.state == "WAITING") {
      CHECK(t["datetime_start"].is_null());
    } else {
      REQUIRE(run.started);
      CHECK(t["datetime_start"].get<std::string>().substr(0, 19) == iso_seconds(*run.started));
    }
    if (e.state == "COMPLETE" || e.state == "PRUNED" || e.state == "FAIL") {
      REQUIRE(run.finished);
      CHECK(t["datetime_complete"].get<std::string>().substr(0, 19) == iso_seconds(*run.finished));
    } else {
      CHECK(t["datetime_complete"].is_null());
    }
  }
}

TEST_CASE("a grid sweep's settings become categorical params over the values its runs take", "[export]") {
  test::ExportFixture fixture;  // for its folder and helpers; the sweep exported here is a grid
  const std::string db = fixture.dir.file("grid.db");
  {
    orchestrator::Store store(db);
    const orchestrator::Spec spec = orchestrator::parse_spec(R"(sweep: grid
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 12, size: 16}}
base: {model: {width: 4, depth: 2}, train: {epochs: 2}, loss: {lpips: 0}}
grid:
  train.lr: [0.0002, 0.0005]
  model.width: [4, 8]
)",
                                                             "grid.yaml");
    store.register_sweep(orchestrator::sweep_info(spec));
    store.add_runs("grid", orchestrator::new_runs(orchestrator::plan_runs(spec)));
    while (auto r = store.claim_next_pending("grid")) {
      store.record_epoch(r->id, test::ExportFixture::epoch(1, 0.5, 0.4, 2e-4));
      store.record_epoch(r->id, test::ExportFixture::epoch(2, 0.4, 0.45, 2e-4));
      store.finish_run(r->id, test::ExportFixture::results(2, 1, 0.4, 20));
    }
  }
  const std::string file = fixture.dir.file("grid.journal");
  REQUIRE(test::run_tool(fixture.dir, "report", "--export optuna " + file + " --sweep grid --db " + db).status == 0);
  const json study = test::read_back("read_optuna.py", file);
  const json& trials = study["trials"];
  REQUIRE(trials.size() == 4);
  std::set<std::pair<double, int>> seen;
  for (const json& t : trials) {
    CHECK(t["state"] == "COMPLETE");
    CHECK(t["values"] == json{0.4});  // the best epoch's validation loss, not the last one's (0.45)
    CHECK(t["intermediate_values"] == json{{"1", 0.4}, {"2", 0.45}});
    const json& d = t["distributions"];
    REQUIRE(d.size() == 2);
    CHECK(d["train.lr"]["name"] == "CategoricalDistribution");
    CHECK(d["model.width"]["name"] == "CategoricalDistribution");
    CHECK(std::set<double>{d["train.lr"]["attributes"]["choices"][0], d["train.lr"]["attributes"]["choices"][1]} ==
          std::set<double>{0.0002, 0.0005});
    CHECK(std::set<int>{d["model.width"]["attributes"]["choices"][0], d["model.width"]["attributes"]["choices"][1]} ==
          std::set<int>{4, 8});
    seen.insert({t["params"]["train.lr"].get<double>(), t["params"]["model.width"].get<int>()});
    CHECK(t["validation"] == "ok");
  }
  CHECK(seen.size() == 4);  // every grid point once
}

TEST_CASE("optuna-dashboard serves the exported journal (its API, on 127.0.0.1)", "[export]") {
  test::ExportFixture fixture;
  const std::string file = fixture.dir.file("exported.journal");
  REQUIRE(test::run_tool(fixture.dir, "report", "--export optuna " + file + " --db " + fixture.db_path).status == 0);
  const json served = test::read_back("serve_exports.py", file, "optuna");
  const json& summaries = served["studies"]["study_summaries"];
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0]["study_name"] == "exported");
  CHECK(summaries[0]["directions"] == json{"minimize"});
  const json& study = served["study"];
  REQUIRE(study["trials"].size() == 5);
  std::vector<std::string> states;
  for (const json& t : study["trials"]) states.push_back(t["state"]);
  CHECK(states == std::vector<std::string>{"Complete", "Pruned", "Fail", "Running", "Waiting"});
  CHECK(study["trials"][0]["values"] == json{0.6});
  CHECK(study["trials"][0]["intermediate_values"] ==
        json::parse(R"([{"step": 1, "value": 0.8}, {"step": 2, "value": 0.6}, {"step": 3, "value": 0.62}])"));
  REQUIRE(study["best_trials"].size() == 1);
  CHECK(study["best_trials"][0]["number"] == 0);
  CHECK(study["has_intermediate_values"] == true);
}

TEST_CASE(
    "a multi-objective sweep exports as a study of several directions: each trial's values, no intermediate "
    "values",
    "[export]") {
  std::string spec = test::kExportSpec;
  const std::string space = "  space:\n";
  spec.replace(spec.find(space), space.size(),
               "  objectives: [{metric: val_psnr, mode: max}, {metric: params, mode: min}]\n" + space);
  test::ExportFixture fixture(spec);
  const std::string file = fixture.dir.file("mo.journal");
  const test::ToolResult exported =
      test::run_tool(fixture.dir, "report", "--export optuna " + file + " --sweep exported --db " + fixture.db_path);
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  const json study = test::read_back("read_optuna.py", file);
  CHECK(study["directions"] == json{"MAXIMIZE", "MINIMIZE"});
  const json& trials = study["trials"];
  REQUIRE(trials.size() == 5);
  for (const json& t : trials) {
    INFO(t.dump());
    CHECK(t["validation"] == "ok");
    CHECK(t["intermediate_values"].empty());  // Optuna keeps none for multi-objective studies
  }
  // listed: its best validation PSNR (22 at epoch 3) and its parameter count as planned.
  CHECK(trials[0]["state"] == "COMPLETE");
  CHECK(trials[0]["values"] == json{22.0, static_cast<double>(fixture.run("listed").params)});
  // Stopped by ASHA with no validation PSNR recorded: pruned without values (Optuna needs all or none).
  CHECK(trials[1]["state"] == "PRUNED");
  CHECK(trials[1]["values"].is_null());
  CHECK(trials[2]["state"] == "FAIL");
  CHECK(trials[3]["state"] == "RUNNING");
  CHECK(trials[4]["state"] == "WAITING");
}
