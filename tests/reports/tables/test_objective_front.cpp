// `report --pareto` of a multi-objective sweep: the front over its own objectives (best value per run over
// its epochs, stopped runs included), the hypervolume against hand-computed values for a given and for the
// default reference point, the hypervolume as epochs were spent, a third objective as a column, and
// references that cannot measure anything refused with exit 2.
#include <catch2/catch.hpp>

#include <list>
#include <map>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/sweep/sweep_records.h"
#include "reports/tables/objective_front.h"
#include "reports/tables/report_error.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_format.h"
#include "store/store.h"
#include "support/process_runner.h"
#include "support/temp_dir.h"

using namespace bokeh;
using Catch::Matchers::Contains;

namespace {

std::string mo_spec(const std::string& objectives) {
  return R"(sweep: mo
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 12, size: 16}}
base: {model: {width: 4, depth: 2}, train: {epochs: 2}, loss: {lpips: 0}}
search:
  method: random
  trials: 4
  objectives: )" +
         objectives +
         R"(
  space:
    model.width: {int: [4, 16]}
)";
}

// Four trials (widths 4, 8, 12, 16) with (best val PSNR, best val L1) A (20, 0.10: stopped by ASHA),
// B (22, 0.12), C (19, 0.15: dominated by A), D (24, 0.20), each over 2 epochs whose first is worse;
// finished or stopped in that order.
struct MoSweep {
  test::TempDir dir;
  std::string db_path = dir.file("sweeps.db");

  explicit MoSweep(const std::string& objectives) {
    orchestrator::Store store(db_path);
    const orchestrator::Spec spec = orchestrator::parse_spec(mo_spec(objectives), "mo.yaml");
    store.register_sweep(orchestrator::sweep_info(spec));
    const std::vector<std::pair<double, double>> best = {{20, 0.10}, {22, 0.12}, {19, 0.15}, {24, 0.20}};
    for (int64_t n = 1; n <= 4; ++n)
      store.add_trial("mo", orchestrator::new_run(orchestrator::plan_trial(spec, n, {nlohmann::json(4 * n)})),
                      orchestrator::TrialRecord{n, std::nullopt, "random", "random", "{}", 0});
    std::map<std::string, orchestrator::RunRecord> claimed;  // all at once: then they finish in the sweep's order
    while (const std::optional<orchestrator::RunRecord> run = store.claim_next_pending("mo")) claimed[run->name] = *run;
    for (size_t i = 0; i < best.size(); ++i) {
      const orchestrator::RunRecord& run = claimed.at("trial-0" + std::to_string(i + 1));
      for (int64_t e = 1; e <= 2; ++e) {
        orchestrator::EpochRecord row{e, 0.5, 0.4, 0.1, 1e-3, 1.0, 10.0};
        row.val_psnr = e == 2 ? best[i].first : best[i].first - 3;
        row.val_l1 = e == 2 ? best[i].second : best[i].second + 0.05;
        store.record_epoch(run.id, row);
      }
      common::TrainResult r{};
      r.epochs = 2;
      r.best_epoch = 2;
      r.test = {0.05, 25.0, 0.8, std::nullopt};
      const std::string results = common::result_to_json(r).dump();
      if (i == 0)
        store.pause_run(run.id, results, "rung 0 (epoch 1): 3rd of 4");
      else
        store.finish_run(run.id, results);
    }
  }

  // The front's points point into their runs: each call keeps its own list alive with the fixture.
  reports::ObjectiveFront front(const std::optional<std::vector<double>>& reference) const {
    const orchestrator::StoreReader store = reports::open_store(db_path);
    const orchestrator::SweepInfo sweep = *store.sweep("mo");
    const std::vector<reports::RunSummary>& runs = summaries.emplace_back(reports::summarize_sweep(store, "mo"));
    return reports::objective_front(store, sweep, runs, reference);
  }
  mutable std::list<std::vector<reports::RunSummary>> summaries;
};

const char* kTwo = "[{metric: val_psnr, mode: max}, {metric: val_l1, mode: min}]";

}  // namespace

TEST_CASE("the front of a multi-objective sweep over its own objectives, with its hypervolume by hand", "[pareto]") {
  const MoSweep sweep(kTwo);
  // Given reference (PSNR 18, L1 0.25): slices D 2 x 0.05, B 2 x 0.13, A 2 x 0.15 = 0.66.
  const reports::ObjectiveFront given = sweep.front(std::vector<double>{18, 0.25});
  REQUIRE(given.front.size() == 3);
  CHECK(given.points[given.front[0]].values == std::vector<double>{24, 0.20});  // best PSNR first
  CHECK(given.points[given.front[1]].values == std::vector<double>{22, 0.12});
  CHECK(given.points[given.front[2]].values == std::vector<double>{20, 0.10});
  CHECK(given.points[0].front);        // A: stopped by ASHA, yet its best weights count
  CHECK_FALSE(given.points[2].front);  // C: dominated by A
  CHECK(given.hypervolume == Approx(0.66));
  // Steps in the order runs finished, 2 epochs each: A alone 2 x 0.15, then B adds 0.26, C nothing, D 0.10.
  const std::vector<reports::HypervolumeStep> by_epochs = reports::hypervolume_by_epochs(given);
  REQUIRE(by_epochs.size() == 4);
  CHECK(by_epochs[0].epochs == 2);
  CHECK(by_epochs[0].hypervolume == Approx(0.30));
  CHECK(by_epochs[1].hypervolume == Approx(0.56));
  CHECK(by_epochs[2].hypervolume == Approx(0.56));
  CHECK(by_epochs[3].epochs == 8);
  CHECK(by_epochs[3].hypervolume == Approx(0.66));

  // The default reference: worst + a tenth of the range: PSNR 19 - 0.5 = 18.5, L1 0.20 + 0.01 = 0.21:
  // D 2 x 0.01, B 2 x 0.09, A 1.5 x 0.11 = 0.365.
  const reports::ObjectiveFront plain = sweep.front(std::nullopt);
  CHECK(plain.reference[0] == Approx(18.5));
  CHECK(plain.reference[1] == Approx(0.21));
  CHECK(plain.hypervolume == Approx(0.365));

  const orchestrator::StoreReader store = reports::open_store(sweep.db_path);
  const std::string md = reports::format_markdown(reports::objective_front_table(*store.sweep("mo"), given));
  CHECK_THAT(md, Contains("its objectives val_psnr (max), val_l1 (min)"));
  CHECK_THAT(md, Contains("3 of 4 finished or stopped runs are on the front; 1 dominated"));
  CHECK_THAT(md, Contains("Hypervolume 0.66"));
  CHECK_THAT(md, Contains("given with --reference"));
  const std::string steps = reports::format_markdown(reports::hypervolume_table(*store.sweep("mo"), given));
  CHECK_THAT(steps, Contains("| 8 | 4 | 0.6600 | 1.000 |"));

  // The dashboard's scatter: the first objective up, the second across, the front marked.
  const nlohmann::json page = reports::objective_front_json(given);
  CHECK(page["y_label"] == "Best val_psnr ↑");
  CHECK(page["x_label"] == "Best val_l1 ↓");
  REQUIRE(page["points"].size() == 4);
  CHECK(page["points"][3] == nlohmann::json{{"name", "trial-04"}, {"x", 0.2}, {"y", 24.0}, {"n", 1}, {"front", true}});
  CHECK(page["hypervolume"].get<double>() == Approx(0.66));

  // The spec's search.reference_point stands in for --reference.
  const MoSweep pinned(std::string(kTwo) + "\n  reference_point: [18, 0.25]");
  const reports::ObjectiveFront from_spec = pinned.front(std::nullopt);
  CHECK(from_spec.hypervolume == Approx(0.66));
  CHECK(from_spec.reference_given == "the spec's search.reference_point");

  // References that measure nothing, or of the wrong size, are the user's error.
  CHECK_THROWS_AS(sweep.front(std::vector<double>{30, 0.05}), reports::ReportInputError);
  CHECK_THROWS_WITH(sweep.front(std::vector<double>{30, 0.05}),
                    Contains("no run is better than it in every objective"));
  CHECK_THROWS_WITH(sweep.front(std::vector<double>{18}), Contains("--reference has 1 values but the sweep has 2"));
}

TEST_CASE("report --pareto of a multi-objective sweep: three objectives as columns, --reference, --x as before",
          "[pareto]") {
  const MoSweep sweep("[{metric: val_psnr, mode: max}, {metric: val_l1, mode: min}, {metric: params, mode: min}]");
  const test::TempDir scratch;
  const test::ToolResult r = test::run_tool(scratch, "report", "--pareto --sweep mo --db " + sweep.db_path);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("| Run | Best val_psnr ↑ | Best val_l1 ↓ | Params (M) ↓ | Epochs | State |"));
  CHECK_THAT(r.out, Contains("Hypervolume against epochs spent - sweep mo"));
  CHECK_THAT(r.out, Contains("stopped by ASHA"));  // A, the smallest: on the front of three too
  const test::ToolResult bad =
      test::run_tool(scratch, "report", "--pareto --sweep mo --reference 30,0.01,1 --db " + sweep.db_path);
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Contains("report: --reference 30,0.01,1: no run is better than it in every objective"));
  // --x/--y: the two-figure front of before.
  const test::ToolResult two =
      test::run_tool(scratch, "report", "--pareto --x params --y psnr --sweep mo --db " + sweep.db_path);
  CHECK(two.status == 0);
  CHECK_THAT(two.out, Contains("PSNR ↑ against Params (M)"));
}
