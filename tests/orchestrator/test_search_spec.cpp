// Sampled search spaces in a spec: trials expanded on base next to runs and grid points, seeded by the
// spec unless search.seed is given, part of the canonical spec (a changed space is a changed spec),
// shown by the dry run with ASHA's rungs, and stored once: a reopened sweep never re-samples.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sstream>

#include "common/run_settings.h"
#include "orchestrator/plan/dry_run.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/plan/search_points.h"
#include "orchestrator/sweep/sweep_book.h"
#include "orchestrator/sweep/sweep_records.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {

const std::string kSearchSpec = R"(sweep: s
seed: 4
data: {height: 32, width: 32, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {size: 32}}
base:
  model: {width: 8, depth: 2}
  train: {epochs: 9, batch_size: 2}
  loss: {lpips: 0}
runs:
  - {name: hand, train.lr: 1.0e-3}
grid:
  model.depth: [3]
search:
  method: sobol
  trials: 5
  space:
    train.lr: {loguniform: [1.0e-4, 1.0e-2]}
    model: {width: {int: [4, 16], log: true}}
    loss.ssim: {choice: [0.5, 1, 2]}
early_stopping: {method: asha, metric: val_ssim, min_epochs: 1, reduction_factor: 3}
)";

}  // namespace

TEST_CASE("search trials expand on base after the runs and the grid, one value per sampled setting", "[search]") {
  const Spec spec = parse_spec(kSearchSpec, "s.yaml");
  CHECK(spec.search.seed == 4);  // the spec's seed when search.seed is absent
  const RunPlan plan = plan_runs(spec);
  REQUIRE(plan.runs.size() == 2);  // the trials are drawn as workers ask: the plan previews them
  REQUIRE(plan.trials.size() == 5);
  CHECK(plan.runs[0].name == "hand");
  CHECK(plan.runs[1].name == "d3");
  for (int t = 0; t < 5; ++t) {
    const std::vector<nlohmann::json> values = trial_values(spec.search, t + 1);
    const PlannedRun& run = plan.trials[t];
    INFO(run.name);
    CHECK(run.name == fmt::format("trial-0{}", t + 1));
    CHECK(run.trial == t + 1);
    CHECK(setting_value(run.config, "train.lr") == values[0]);
    CHECK(setting_value(run.config, "model.width") == values[1]);
    CHECK(setting_value(run.config, "loss.ssim") == values[2]);
    CHECK(plan_trial(spec, t + 1, values).key == run.key);
    CHECK(setting_value(run.config, "model.depth") == 2);  // base, untouched by the grid
    CHECK(setting_value(run.config, "train.epochs") == 9);
  }
  // The trials are not all alike: Sobol points spread over the space.
  CHECK(setting_value(plan.trials[0].config, "train.lr") != setting_value(plan.trials[1].config, "train.lr"));

  const Spec seeded = parse_spec(kSearchSpec, "s.yaml", {"search.seed=9"});
  CHECK(seeded.search.seed == 9);
  CHECK(plan_runs(seeded).trials[0].key != plan.trials[0].key);
}

TEST_CASE("a changed space, method, trial count or early stopping is a changed spec", "[search]") {
  const std::string base_hash = sweep_info(parse_spec(kSearchSpec, "s.yaml")).spec_hash;
  for (const char* change : {"search.trials=6", "search.method=random", "search.space.model.width.int=[4, 32]",
                             "early_stopping.reduction_factor=2"}) {
    INFO(change);
    CHECK(sweep_info(parse_spec(kSearchSpec, "s.yaml", {change})).spec_hash != base_hash);
  }
}

TEST_CASE("the dry run lists the sampled trials with their cost, the space and the rungs", "[search]") {
  const Spec spec = parse_spec(kSearchSpec, "s.yaml");
  std::ostringstream out;
  print_dry_run(out, spec, plan_runs(spec), 0);
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("search: sobol, 5 trials (seed 4): train.lr loguniform [1e-4, 0.01]; model.width int log [4, 16]; "
                  "loss.ssim choice [0.5, 1, 2]") != std::string::npos);
  CHECK(text.find("early stopping: asha on val_ssim, reduction factor 3, rungs at epochs [1, 3] (of up to 9)") !=
        std::string::npos);
  CHECK(text.find("objective: val_ssim (higher is better); tables choose their best runs by val_ssim at each run's "
                  "best epoch") != std::string::npos);
  for (int t = 1; t <= 5; ++t) CHECK(text.find(fmt::format("\ntrial-0{} ", t)) != std::string::npos);
}

TEST_CASE("sampled trials are drawn one per assignment, stored with their state, and a reopened sweep continues",
          "[search]") {
  bokeh::test::TempDir dir;
  const Spec spec = parse_spec(kSearchSpec, "s.yaml");
  Store store(dir.file("sweeps.db"));
  Progress progress(true, stdout);
  const RunPlan plan = plan_runs(spec);
  const auto prepare = [](const DataConfig&, const std::filesystem::path& folder) {
    return PreparedDataFile{(folder / "pairs.bin").string(), "stand-in"};
  };
  {
    SweepBook book(store, spec, dir.path(), progress);
    book.open(plan, SweepOptions{});
    CHECK(store.runs("s").size() == 2);  // no trial drawn before a worker asks
    CHECK(store.trials("s").empty());
    book.prepare_data(prepare);
    std::vector<std::string> names;
    for (int i = 0; i < 4; ++i) names.push_back(book.next_assignment()->run_name);  // the two runs, two trials
    CHECK(names[2] == "trial-01");
    CHECK(names[3] == "trial-02");
    const std::vector<TrialRecord> trials = store.trials("s");
    REQUIRE(trials.size() == 2);
    CHECK(trials[1].number == 2);
    CHECK(trials[1].proposal == "sobol");
    const nlohmann::json state = nlohmann::json::parse(trials[1].state_json);
    CHECK(state.at("counter") == 2);
    CHECK(state.at("seed") == 4);
    CHECK(state.at("unit").get<std::vector<double>>() == unit_point(spec.search, 1));
    CHECK(store.run(*trials[1].run_id).key == plan.trials[1].key);
    book.release_in_flight();
  }
  SweepBook book(store, spec, dir.path(), progress);  // started again: the stored trials first, then trial 3
  book.open(plan, SweepOptions{});
  book.prepare_data(prepare);
  std::vector<std::string> names;
  while (auto a = book.next_assignment()) names.push_back(a->run_name);
  CHECK(names.size() == 7);
  CHECK(names[4] == "trial-03");
  CHECK(names[6] == "trial-05");
  CHECK(store.trials("s").size() == 5);
  CHECK(store.runs("s").size() == 7);
}
