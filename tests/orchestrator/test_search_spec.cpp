// Sampled search spaces in a spec: trials expanded on base next to runs and grid points, seeded by the
// spec unless search.seed is given, part of the canonical spec (a changed space is a changed spec),
// shown by the dry run with ASHA's rungs, and stored once: a reopened sweep never re-samples.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sstream>

#include "orchestrator/spec/dry_run.h"
#include "orchestrator/spec/run_plan.h"
#include "orchestrator/spec/run_settings.h"
#include "orchestrator/spec/samplers.h"
#include "orchestrator/sweep_book.h"
#include "orchestrator/sweep_records.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;

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
early_stopping: {method: asha, min_epochs: 1, reduction_factor: 3}
)";

}  // namespace

TEST_CASE("search trials expand on base after the runs and the grid, one value per sampled setting", "[search]") {
  const Spec spec = parse_spec(kSearchSpec, "s.yaml");
  CHECK(spec.search.seed == 4);  // the spec's seed when search.seed is absent
  const RunPlan plan = plan_runs(spec);
  REQUIRE(plan.runs.size() == 7);
  CHECK(plan.runs[0].name == "hand");
  CHECK(plan.runs[1].name == "d3");
  const auto trials = sample_space(spec.search);
  for (int t = 0; t < 5; ++t) {
    const PlannedRun& run = plan.runs[2 + t];
    INFO(run.name);
    CHECK(run.name == fmt::format("trial-0{}", t + 1));
    CHECK(run.trial == t + 1);
    CHECK(setting_value(run.config, "train.lr") == trials[t][0]);
    CHECK(setting_value(run.config, "model.width") == trials[t][1]);
    CHECK(setting_value(run.config, "loss.ssim") == trials[t][2]);
    CHECK(setting_value(run.config, "model.depth") == 2);  // base, untouched by the grid
    CHECK(setting_value(run.config, "train.epochs") == 9);
  }
  // The trials are not all alike: Sobol points spread over the space.
  CHECK(setting_value(plan.runs[2].config, "train.lr") != setting_value(plan.runs[3].config, "train.lr"));

  const Spec seeded = parse_spec(kSearchSpec, "s.yaml", {"search.seed=9"});
  CHECK(seeded.search.seed == 9);
  CHECK(plan_runs(seeded).runs[2].key != plan.runs[2].key);
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
  CHECK(text.find("early stopping: asha on val_loss, reduction factor 3, rungs at epochs [1, 3] (of up to 9)") !=
        std::string::npos);
  for (int t = 1; t <= 5; ++t) CHECK(text.find(fmt::format("\ntrial-0{} ", t)) != std::string::npos);
}

TEST_CASE("sampled trials are stored when the sweep is created and never re-sampled", "[search]") {
  bokeh::test::TempDir dir;
  const Spec spec = parse_spec(kSearchSpec, "s.yaml");
  Store store(dir.file("sweeps.db"));
  Progress progress(true, stdout);
  RunPlan plan = plan_runs(spec);
  SweepBook(store, spec, dir.path(), progress).open(plan, SweepOptions{});
  std::vector<std::string> stored;
  for (const RunRecord& r : store.runs("s")) stored.push_back(r.key);
  REQUIRE(stored.size() == 7);
  // The same spec, started again with trials that came out differently (as another libm might round them).
  for (PlannedRun& r : plan.runs) {
    if (r.trial > 0) r.key = "resampled-" + r.key;
  }
  SweepBook(store, spec, dir.path(), progress).open(plan, SweepOptions{});
  std::vector<std::string> after;
  for (const RunRecord& r : store.runs("s")) after.push_back(r.key);
  CHECK(after == stored);
}
