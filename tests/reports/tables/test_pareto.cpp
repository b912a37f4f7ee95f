// The Pareto front on hand-made point sets (ties in cost, duplicates, a single point, higher-is-better
// qualities), and `report --pareto` on a stored sweep: the non-dominated configurations' means, the
// dominated count, and a bad axis refused in one line with exit status 2.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reports/repeat_fixture.h"
#include "reports/tables/pareto.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_format.h"
#include "support/process_runner.h"

using namespace bokeh;
using namespace bokeh::reports;
using namespace bokeh::common;
using Catch::Matchers::Contains;
using Points = std::vector<std::pair<double, double>>;

TEST_CASE("the Pareto front of a hand-made set: lower cost and lower loss", "[pareto]") {
  // (cost, loss): 0 and 2 and 4 trade off; 1 is beaten by 0 in loss at equal cost (a tie in x); 3 is
  // beaten by 2 in both; 5 duplicates 4 (neither dominates the other).
  const Points points = {{1, 0.5}, {1, 0.6}, {2, 0.3}, {3, 0.4}, {5, 0.1}, {5, 0.1}};
  CHECK(pareto_front(points, false) == std::vector<size_t>{0, 2, 4, 5});
  // Higher is better (PSNR): now 1 beats 0 at equal cost, and every costlier point too.
  CHECK(pareto_front(points, true) == std::vector<size_t>{1});
  CHECK(pareto_front({{7, 0.2}}, false) == std::vector<size_t>{0});
  CHECK(pareto_front({}, false).empty());
  // Equal loss, higher cost: dominated.
  CHECK(pareto_front({{2, 0.3}, {1, 0.3}}, false) == std::vector<size_t>{1});
  // Sorted by cost, not input order.
  CHECK(pareto_front({{3, 0.1}, {1, 0.9}, {2, 0.5}}, false) == std::vector<size_t>{1, 2, 0});
}

TEST_CASE("report --pareto prints the non-dominated configurations with their means", "[pareto]") {
  // Width 4 (fewest parameters) 0.30, width 8 0.25, width 16 0.27 (dominated by width 8), with repeats.
  const test::RepeatSweep sweep(
      test::small_spec("front", "repeats: 2\ngrid:\n  model.width: [4, 8, 16]\n"),
      [](const nlohmann::json& config, int64_t repeat) {
        const int64_t w = config["model"]["width"];
        const double base = w == 4 ? 0.30 : w == 8 ? 0.25 : 0.27;
        return std::optional<test::Figures>(test::Figures{base + (repeat ? 0.002 : -0.002), 25.0 + w, 30.0 * w});
      });
  const std::vector<RepeatGroup> groups = group_repeats(sweep.runs());
  const ParetoResult result = pareto_result(groups, ParetoAxes{});
  REQUIRE(result.front.size() == 2);
  CHECK(result.points[result.front[0]].group->mean.name == "w4");
  CHECK(result.points[result.front[1]].group->mean.name == "w8");
  CHECK(result.points[result.front[1]].y == Approx(0.25));
  const std::string md = format_markdown(pareto_table(sweep.info(), result));
  CHECK_THAT(md, Contains("Best_Val_Loss against Params (M)"));
  CHECK_THAT(md, Contains("2 of 3 finished configurations are on the front; 1 dominated"));
  CHECK_THAT(md, Contains("| w8 |"));
  CHECK(md.find("| w16 |") == std::string::npos);
  CHECK_THAT(md, Contains("0.2500 ± 0.0028"));  // sample std of 0.248, 0.252
  // PSNR against runtime: higher PSNR is better; width 16 has the best PSNR, so it joins the front.
  const ParetoResult psnr = pareto_result(groups, ParetoAxes{"runtime", "psnr"});
  CHECK(psnr.front.size() == 3);
  CHECK_THROWS_AS(pareto_result(groups, ParetoAxes{"memory", "val_loss"}), ReportInputError);

  const test::TempDir scratch;
  const test::ToolResult ok = test::run_tool(scratch, "report", "--pareto --db '" + sweep.db_path + "'");
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Contains("Pareto front - sweep front"));
  const test::ToolResult bad = test::run_tool(scratch, "report", "--pareto --x memory --db '" + sweep.db_path + "'");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Contains("--x"));
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}

TEST_CASE(
    "report --pareto --x inference: the measured inference time as the cost, and a sweep that measured none "
    "told how to measure it",
    "[pareto]") {
  // Width 4 renders fastest but worst; width 16 is slower than width 8 and worse, so dominated.
  const auto measured = [](const nlohmann::json& config, int64_t) {
    const int64_t w = config["model"]["width"];
    test::Figures f{w == 4 ? 0.30 : w == 8 ? 0.25 : 0.27, 25.0, 60.0};
    f.inference_s = w == 4 ? 0.5 : w == 8 ? 1.25 : 2.0;
    return std::optional<test::Figures>(f);
  };
  const test::RepeatSweep sweep(test::small_spec("timed", "grid:\n  model.width: [4, 8, 16]\n"), measured);
  const std::vector<RepeatGroup> groups = group_repeats(sweep.runs());
  const ParetoResult result = pareto_result(groups, ParetoAxes{"inference", "val_loss"});
  CHECK(result.x_header == "Inference (s/image)");
  REQUIRE(result.front.size() == 2);
  CHECK(result.points[result.front[0]].x == 0.5);
  CHECK(result.points[result.front[1]].x == 1.25);
  CHECK(result.points[result.front[1]].group->mean.name == "w8");

  // Times measured on different devices do not compare: no front.
  const test::RepeatSweep mixed(test::small_spec("mixed", "grid:\n  model.width: [4, 8]\n"),
                                [&](const nlohmann::json& config, int64_t repeat) {
                                  std::optional<test::Figures> f = measured(config, repeat);
                                  if (config["model"]["width"] == 8) f->inference_device = "cuda:0";
                                  return f;
                                });
  CHECK_THROWS_WITH(pareto_result(group_repeats(mixed.runs()), ParetoAxes{"inference", "val_loss"}),
                    Contains("measured on different devices (cpu, 1 thread; cuda:0)"));

  const test::RepeatSweep unmeasured(
      test::small_spec("untimed", "grid:\n  model.width: [4, 8]\n"),
      [](const nlohmann::json&, int64_t) { return std::optional<test::Figures>(test::Figures{0.3}); });
  CHECK_THROWS_WITH(pareto_result(group_repeats(unmeasured.runs()), ParetoAxes{"inference", "val_loss"}),
                    Contains("no finished run measured its inference time: set metrics.inference_repeats"));
}
