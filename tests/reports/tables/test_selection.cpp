// Choosing the best runs by the sweep's objective: Tables 2 and 4, `render --run best`, --pareto and
// --importance by a named figure at each run's best epoch, and the refusal of losses of different weights.
#include <catch2/catch.hpp>

#include "../repeat_fixture.h"
#include "reports/tables/pareto.h"
#include "reports/tables/report_error.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"

using namespace bokeh;
using namespace bokeh::reports;
using Catch::Matchers::Contains;

namespace {

// Three runs that differ in their SSIM weight: the lowest validation loss is the lightest weight's ("light"),
// the highest validation PSNR another run's ("mid").
test::RepeatSweep weighted_sweep(const std::string& select) {
  return test::RepeatSweep(test::small_spec("weighted", select + R"(runs:
  - {name: light, loss.ssim: 0.5}
  - {name: mid, loss.ssim: 1}
  - {name: heavy, loss.ssim: 4}
)"),
                           [](const nlohmann::json& config, int64_t) {
                             const double ssim = config["loss"]["ssim"];
                             test::Figures f;
                             f.best_val_loss = 0.1 * ssim;  // smaller weight, smaller loss
                             f.best_val_psnr = ssim == 1 ? 26.0 : ssim == 4 ? 25.0 : 24.0;
                             return std::optional<test::Figures>(f);
                           });
}

}  // namespace

TEST_CASE("Table 4 and the best run follow the sweep's select.metric, and the note names it", "[selection]") {
  const test::RepeatSweep sweep = weighted_sweep("select: {metric: val_psnr}\n");
  const Table t = build_table(4, sweep.info(), sweep.runs());
  REQUIRE_FALSE(t.rows.empty());
  const std::string md = format_markdown(t);
  CHECK_THAT(md, Contains("| mid "));
  CHECK_THAT(md, Contains("mid: measured here, the finished run with the highest Best_Val_PSNR (Val_PSNR at "
                          "Best_Epoch, the epoch of the lowest validation loss, whose weights are tested)"));
  const std::vector<RunSummary> runs = sweep.runs();
  CHECK(find_run(runs, "best", "weighted", *common::find_objective("val_psnr")).name == "mid");
  // No run has a validation L1 (the fixture writes none): no best run by it, said in one line.
  CHECK_THROWS_WITH(find_run(runs, "best", "weighted", *common::find_objective("val_l1")),
                    "sweep \"weighted\" has no finished run with val_l1 yet, so no best run");
}

TEST_CASE("Table 2 shows the figure its rows were chosen by", "[selection]") {
  const test::RepeatSweep sweep = weighted_sweep("select: {metric: val_psnr}\n");
  const std::string md = format_markdown(build_table(2, sweep.info(), sweep.runs()));
  CHECK_THAT(md, Contains("Best_Val_PSNR"));
  CHECK_THAT(md, Contains("| mid "));
  CHECK_THAT(md, Contains("the finished run with the highest Best_Val_PSNR"));
}

TEST_CASE("a loss compared across loss weights is refused in the tables, --pareto, --importance and --run best",
          "[selection]") {
  const test::RepeatSweep sweep = weighted_sweep("select: {metric: val_psnr}\n");
  const std::vector<RunSummary> runs = sweep.runs();
  const common::Objective loss;  // val_loss
  try {
    build_table(4, sweep.info(), runs, loss);
    FAIL("Table 4 by val_loss accepted");
  } catch (const ReportInputError& e) {
    CHECK_THAT(e.what(), Contains("Table 4 chooses its best runs by val_loss"));
    CHECK_THAT(e.what(), Contains("differ in their loss weights (λ1, λ2, λ3: (1, 0.5, 0), (1, 1, 0), (1, 4, 0))"));
    CHECK_THAT(e.what(), Contains("val_l1, val_psnr, val_ssim, val_lpips"));
  }
  CHECK_THROWS_AS(build_table(2, sweep.info(), runs, loss), ReportInputError);
  CHECK_NOTHROW(build_table(3, sweep.info(), runs, loss));  // Table 3 lists every run: nothing chosen
  const std::vector<RepeatGroup> groups = group_repeats(runs);
  CHECK_THROWS_AS(pareto_result(groups, ParetoAxes{"params", "val_loss"}), ReportInputError);
  CHECK(pareto_result(groups, ParetoAxes{"params", "val_psnr"}).points.size() == 3);
  CHECK_THROWS_AS(find_run(runs, "best", "weighted", loss), ReportInputError);
  CHECK(find_run(runs, "light", "weighted", loss).name == "light");  // a named run is no comparison
}

TEST_CASE("repeats mark rows against the best by the sweep's objective, and rank no losses of different weights",
          "[selection][repeats]") {
  const test::RepeatSweep sweep(test::small_spec("repeated", R"(repeats: 2
select: {metric: val_psnr}
runs:
  - {name: light, loss.ssim: 0.5}
  - {name: heavy, loss.ssim: 4}
)"),
                                [](const nlohmann::json& config, int64_t repeat) {
                                  const double ssim = config["loss"]["ssim"];
                                  test::Figures f;
                                  f.best_val_loss = 0.1 * ssim;                               // light: lower
                                  f.best_val_psnr = (ssim > 1 ? 26.0 : 22.0) + 0.1 * repeat;  // heavy: higher
                                  return std::optional<test::Figures>(f);
                                });
  const std::string md = format_markdown(build_table(1, sweep.info(), sweep.runs()));
  CHECK_THAT(md, Contains("vs_Best: Best_Val_PSNR (val_psnr at the best epoch, the ranking figure; higher is better)"));
  CHECK_THAT(md, Contains("| best |"));
  const size_t heavy = md.find("| heavy"), best = md.find("| best |");
  REQUIRE(heavy != std::string::npos);
  CHECK(md.find('\n', heavy) > best);  // the heavy row is the best one
  CHECK(best > heavy);
  const std::string by_loss = format_markdown(build_table(1, sweep.info(), sweep.runs(), common::Objective{}));
  CHECK(by_loss.find("| best |") == std::string::npos);
  CHECK_THAT(by_loss, Contains("no vs_Best: the configurations differ in loss weights, so their val_loss values do not "
                               "compare"));
}

TEST_CASE("an MO sweep's tables choose by its first per-epoch objective without select, and say so", "[selection]") {
  // params first (static: passed over), then val_psnr: the runs differ in loss weights, yet nothing is
  // refused, since nothing chooses by val_loss.
  const test::RepeatSweep sweep = weighted_sweep(
      "search: {method: random, trials: 1, objectives: [{metric: params}, {metric: val_psnr, mode: max}], "
      "space: {train.lr: {loguniform: [1.0e-4, 1.0e-2]}}}\n");
  const std::string md = format_markdown(build_table(2, sweep.info(), sweep.runs()));
  CHECK_THAT(md, Contains("Best_Val_PSNR"));
  CHECK_THAT(md, Contains("| mid "));
  CHECK_THAT(md, Contains("the finished run with the highest Best_Val_PSNR"));
}
