// Hyperparameter importance: exact functional ANOVA on constructed grids with known shares (additive
// 0.8 / 0.2 / 0, a pure interaction, a constant) and their bootstrap over repeats, fANOVA's determinism and its ranking
// against the exact answer on a full grid, fANOVA on sampled searches of objectives with analytic shares (additive, a
// product, one relevant setting; the truth inside the reported interval) and a constant one's note, and `report
// --importance` on stored sweeps: exact on a full factorial grid (constant settings listed as such), fANOVA with
// intervals on a sampled search, byte-identical twice, and the refusals (too few configurations, nothing varied) in one
// line with exit status 2.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

#include "reports/repeat_fixture.h"
#include "reports/statistics/fanova.h"
#include "reports/statistics/functional_anova.h"
#include "reports/statistics/variance_shares.h"
#include "reports/tables/importance.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_format.h"
#include "support/process_runner.h"

using namespace bokeh;
using namespace bokeh::reports;
using namespace bokeh::common;
using Catch::Matchers::Contains;

namespace {

// A 2 x 2 x 2 grid with equal weights and f(a, b, c) from the signs s = -1, +1 of each level.
WeightedGrid signs_grid(const std::function<double(double, double, double)>& f) {
  WeightedGrid g;
  g.weights.assign(3, {0.5, 0.5});
  for (double a : {-1.0, 1.0})
    for (double b : {-1.0, 1.0})
      for (double c : {-1.0, 1.0}) g.values.push_back(f(a, b, c));
  return g;
}

double pair_share(const AnovaShares& s, size_t i, size_t j) {
  for (const auto& p : s.pairs) {
    if (p.first == std::make_pair(i, j)) return p.second;
  }
  return -1;
}

// A 4 x 4 x 3 full grid: f = 3 x + y + 0 z + 0.2 x y, x and y the level indices.
void full_grid(std::vector<std::vector<double>>& x, std::vector<double>& y) {
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b)
      for (int c = 0; c < 3; ++c) {
        x.push_back({double(a), double(b), double(c)});
        y.push_back(3.0 * a + b + 0.2 * a * b);
      }
}

std::vector<size_t> ranking(const std::vector<double>& shares) {
  std::vector<size_t> order(shares.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return shares[a] > shares[b]; });
  return order;
}

// report --importance on a Sobol search of 20 trials (as many as the fixture draws) over x = loss.ssim,
// y = loss.l1 and, with `three`, z = train.weight_decay, each uniform on [0, 1] (the measure fANOVA
// integrates over), whose best-epoch validation PSNR is f(x, y, z) (the runs differ in loss weights, so their
// validation losses do not compare: --importance refuses --y val_loss, and the tables choose by val_psnr).
ImportanceResult sampled_importance(bool three, const std::function<double(double, double, double)>& f) {
  const test::RepeatSweep sweep(test::small_spec("objective", std::string(R"(select: {metric: val_psnr}
search:
  method: sobol
  trials: 20
  space:
    loss.ssim: {uniform: [0.0, 1.0]}
    loss.l1: {uniform: [0.0, 1.0]}
)") + (three ? "    train.weight_decay: {uniform: [0.0, 1.0]}\n" : "")),
                                [&](const nlohmann::json& config, int64_t) {
                                  const double x = config["loss"]["ssim"], y = config["loss"]["l1"];
                                  const double z = config["train"].value("weight_decay", 0.0);
                                  test::Figures figures;
                                  figures.best_val_psnr = f(x, y, z);
                                  return std::optional<test::Figures>(figures);
                                });
  ImportanceOptions options;
  options.y = "val_psnr";
  return importance(sweep.info(), group_repeats(sweep.runs()), options);
}

// The reported term of these settings ("loss.ssim", or two for an interaction).
const ImportanceTerm& term(const ImportanceResult& r, const std::vector<std::string>& settings) {
  for (const ImportanceTerm& t : r.terms) {
    if (t.settings == settings) return t;
  }
  FAIL("no term " << settings.size());
  return r.terms.front();
}

// A main effect with a known share: the share within `tolerance` of it, and it inside the 95% interval.
void check_main(const ImportanceResult& r, const std::string& setting, double truth, double tolerance) {
  const ImportanceTerm& t = term(r, {setting});
  INFO(setting << ": " << t.share << " [" << t.interval->first << ", " << t.interval->second << "], truth " << truth);
  CHECK(t.share == Approx(truth).margin(tolerance));
  CHECK(t.interval->first <= truth);
  CHECK(t.interval->second >= truth);
}

const std::string kX = "loss.ssim", kY = "loss.l1", kZ = "train.weight_decay";

}  // namespace

TEST_CASE("exact functional ANOVA finds the known shares of constructed grids", "[importance]") {
  // Additive: var(2 s_a) = 4, var(s_b) = 1, c has no effect: 0.8, 0.2, 0, no interactions.
  const AnovaShares additive = functional_anova(signs_grid([](double a, double b, double) { return 2 * a + b + 7; }));
  CHECK(additive.total_variance == Approx(5));
  CHECK(additive.main[0] == Approx(0.8));
  CHECK(additive.main[1] == Approx(0.2));
  CHECK(additive.main[2] == Approx(0).margin(1e-12));
  for (const auto& p : additive.pairs) CHECK(p.second == Approx(0).margin(1e-12));
  // A pure interaction: no main effect, all of it in (a, b).
  const AnovaShares product = functional_anova(signs_grid([](double a, double b, double) { return a * b; }));
  CHECK(product.main[0] == Approx(0).margin(1e-12));
  CHECK(pair_share(product, 0, 1) == Approx(1));
  CHECK(pair_share(product, 0, 2) == Approx(0).margin(1e-12));
  // A constant: every share 0, not NaN.
  const AnovaShares flat = functional_anova(signs_grid([](double, double, double) { return 3; }));
  CHECK(flat.total_variance == 0);
  for (double m : flat.main) CHECK(m == 0);
  // Unequal weights: a level with weight 0.75 at f = 0 and 0.25 at f = 4: variance 3, all main effect.
  WeightedGrid skewed;
  skewed.weights = {{0.75, 0.25}, {0.5, 0.5}};
  skewed.values = {0, 0, 4, 4};
  const AnovaShares s = functional_anova(skewed);
  CHECK(s.total_variance == Approx(3));
  CHECK(s.main[0] == Approx(1));
  CHECK_THROWS(functional_anova(WeightedGrid{{{0.5, 0.5}}, {1, 2, 3}}));
}

TEST_CASE("grid variance shares: the cell means' ANOVA, intervals only over repeats", "[importance]") {
  // A 2 x 2 grid of f = 2 a + b over the signs, given last cell first: shares 0.8 and 0.2.
  const std::vector<size_t> levels{2, 2}, cells{3, 2, 1, 0};
  common::SeededRng rng(7);
  const VarianceShares once = grid_variance_shares(levels, cells, {{3}, {1}, {-1}, {-3}}, 50, rng);
  CHECK(once.estimate.main[0] == Approx(0.8));
  CHECK(once.estimate.main[1] == Approx(0.2));
  CHECK(once.intervals.empty());  // one run per cell: nothing to resample
  // Repeats that agree: every resample has the same cell means, so each interval is the share itself.
  const VarianceShares agreeing = grid_variance_shares(levels, cells, {{3, 3}, {1, 1}, {-1, -1}, {-3, -3}}, 50, rng);
  REQUIRE(agreeing.intervals.size() == 3);  // a, b, then (a, b)
  CHECK(agreeing.intervals[0].first == Approx(0.8));
  CHECK(agreeing.intervals[0].second == Approx(0.8));
  CHECK(agreeing.intervals[2].second == Approx(0).margin(1e-12));
  // Repeats that spread around the same means: the same estimate, an interval around it, seeded.
  const std::vector<std::vector<double>> spread{{2, 4}, {0, 2}, {-2, 0}, {-4, -2}};
  common::SeededRng first(3), second(3);
  const VarianceShares a = grid_variance_shares(levels, cells, spread, 50, first);
  const VarianceShares b = grid_variance_shares(levels, cells, spread, 50, second);
  CHECK(a.estimate.main[0] == Approx(0.8));
  CHECK(a.intervals[0].first < 0.8);
  CHECK(a.intervals[0].second > 0.8);
  CHECK(a.intervals == b.intervals);
  CHECK(flat_shares(a.estimate) ==
        std::vector<double>{a.estimate.main[0], a.estimate.main[1], a.estimate.pairs[0].second});
}

TEST_CASE("fANOVA is deterministic and ranks a full grid's settings as the exact ANOVA does", "[importance]") {
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  full_grid(x, y);
  const Box box = {{-0.5, 3.5}, {-0.5, 3.5}, {-0.5, 2.5}};
  ForestOptions options;
  options.seed = 11;
  const AnovaShares first = fanova(x, y, box, options);
  const AnovaShares second = fanova(x, y, box, options);
  CHECK(first.main == second.main);  // bit for bit
  CHECK(first.pairs == second.pairs);

  WeightedGrid grid;
  grid.weights = {std::vector<double>(4, 0.25), std::vector<double>(4, 0.25), std::vector<double>(3, 1.0 / 3)};
  grid.values = y;  // x is in grid order, the last dimension fastest
  const AnovaShares exact = functional_anova(grid);
  CHECK(ranking(first.main) == ranking(exact.main));
  CHECK(ranking(exact.main) == std::vector<size_t>{0, 1, 2});
  CHECK(first.main[0] == Approx(exact.main[0]).margin(0.05));
  CHECK(first.main[2] < 0.01);
  options.seed = 12;
  CHECK(fanova(x, y, box, options).main != first.main);  // the seed matters (bootstrap samples)
}

TEST_CASE("fANOVA finds the known shares of additive objectives inside its intervals", "[importance]") {
  // Uniform x, y, z: Var(a x) = a^2 / 12, so f = x + 2 y shares 1/5 and 4/5, and f = 3 x + 2 y + z
  // shares 9/14, 4/14 and 1/14; no interactions. Tolerances for 20 configurations: on 3 settings the
  // forest pulls the shares towards each other by up to 0.1 (here 0.56, 0.27, 0.15).
  const ImportanceResult two = sampled_importance(false, [](double x, double y, double) { return x + 2 * y; });
  check_main(two, kX, 0.2, 0.05);
  check_main(two, kY, 0.8, 0.05);
  CHECK(term(two, {kX, kY}).share < 0.03);
  const ImportanceResult three =
      sampled_importance(true, [](double x, double y, double z) { return 3 * x + 2 * y + z; });
  check_main(three, kX, 9.0 / 14, 0.1);
  check_main(three, kY, 4.0 / 14, 0.1);
  check_main(three, kZ, 1.0 / 14, 0.1);
  for (const ImportanceTerm& t : three.terms) {
    if (t.settings.size() == 2) CHECK(t.share < 0.03);
  }
}

TEST_CASE("fANOVA finds the main effects of a product and a one-dimensional objective", "[importance]") {
  // f = x y: Var = 1/9 - 1/16 = 7/144, each main effect E[f | x] = x / 2 has 3/144 (3/7), the
  // interaction 1/144 (1/7). On 20 configurations the forest smooths the interaction: it shows, but
  // below 1/7.
  const ImportanceResult product = sampled_importance(false, [](double x, double y, double) { return x * y; });
  check_main(product, kX, 3.0 / 7, 0.1);
  check_main(product, kY, 3.0 / 7, 0.1);
  CHECK(term(product, {kX, kY}).share > 0.01);
  CHECK(term(product, {kX, kY}).share < 1.0 / 7);
  // f = y alone: share 1, x (drawn, but without effect) about 0. Like 0, 1 is a bound of the shares:
  // the interval reaches it only in the limit, so the estimate is checked, not the interval.
  const ImportanceResult one = sampled_importance(false, [](double, double y, double) { return y; });
  CHECK(term(one, {kY}).share > 0.95);
  CHECK(term(one, {kX}).share < 0.05);
}

TEST_CASE("report --importance of a constant objective says there is no variance, not that the rest is interactions",
          "[importance]") {
  const ImportanceResult flat = sampled_importance(false, [](double, double, double) { return 0.25; });
  CHECK(flat.total_variance == 0);
  for (const ImportanceTerm& t : flat.terms) CHECK(t.share == 0);
  orchestrator::SweepInfo sweep;
  sweep.name = "objective";
  ImportanceOptions options;
  options.y = "val_psnr";
  const std::string md = format_markdown(importance_table(sweep, flat, options));
  CHECK_THAT(md, Contains("Val_PSNR ↑ is the same for every configuration: there is no variance to share, so "
                          "every share is 0."));
  CHECK(md.find("higher-order") == std::string::npos);
}

TEST_CASE("report --importance on a full factorial grid is the exact ANOVA of the cell means", "[importance]") {
  // Best val loss = 0.3 - 0.04 [width 8] + 0.02 [lr 1e-3] + repeat noise: width explains 0.8 of the
  // cell means' variance, lr 0.2; batch size is a grid axis with one value: constant.
  const std::string spec = test::small_spec(
      "grid", "repeats: 2\ngrid:\n  model.width: [4, 8]\n  train.lr: [0.0002, 0.001]\n  train.batch_size: [2]\n");
  const test::RepeatSweep sweep(spec, [](const nlohmann::json& config, int64_t repeat) {
    const double w = config["model"]["width"] == 8 ? -0.04 : 0.0;
    const double lr = config["train"]["lr"] == 0.001 ? 0.02 : 0.0;
    return std::optional<test::Figures>(test::Figures{0.3 + w + lr + (repeat ? 0.001 : -0.001)});
  });
  const ImportanceOptions options;
  const ImportanceResult r = importance(sweep.info(), group_repeats(sweep.runs()), options);
  CHECK(r.exact);
  CHECK(r.configurations == 4);
  REQUIRE(r.terms.size() == 3);  // 2 mains, 1 pair
  CHECK(r.terms[0].settings == std::vector<std::string>{"model.width"});
  CHECK(r.terms[0].share == Approx(0.8));
  CHECK(r.terms[1].share == Approx(0.2));
  CHECK(r.terms[2].share == Approx(0).margin(1e-9));
  REQUIRE(r.terms[0].interval);  // repeats: resampled within cells
  CHECK(r.terms[0].interval->first <= 0.8);
  CHECK(r.terms[0].interval->second >= 0.8 - 1e-9);
  REQUIRE(r.constants.size() == 1);
  CHECK(r.constants[0].first == "train.batch_size");
  const std::string md = format_markdown(importance_table(sweep.info(), r, options));
  CHECK_THAT(md, Contains("| model.width | main | 0.800 |"));
  CHECK_THAT(md, Contains("| train.batch_size | constant | constant |"));
  CHECK_THAT(md, Contains("Exact functional ANOVA over the 4 cells of a full factorial grid (2 x 2 levels)"));
  CHECK(md.find("nan") == std::string::npos);
}

TEST_CASE("report --importance on a sampled search: fANOVA with intervals, the same bytes every time", "[importance]") {
  const std::string spec = test::small_spec("sampled", R"(search:
  method: random
  trials: 16
  space:
    train.lr: {loguniform: [1.0e-4, 1.0e-2]}
    model.width: {int: [4, 16]}
)");
  const test::RepeatSweep sweep(spec, [](const nlohmann::json& config, int64_t) {
    const double lr = config["train"]["lr"], width = config["model"]["width"];
    return std::optional<test::Figures>(test::Figures{0.2 + 0.05 * std::pow(std::log10(lr) + 3, 2) + 0.001 * width});
  });
  const test::TempDir scratch;
  const std::string args = "--importance --db '" + sweep.db_path + "'";
  const test::ToolResult first = test::run_tool(scratch, "report", args);
  const test::ToolResult second = test::run_tool(scratch, "report", args);
  REQUIRE(first.status == 0);
  CHECK(first.out == second.out);
  CHECK_THAT(first.out, Contains("fANOVA (Hutter et al. 2014)"));
  CHECK_THAT(first.out, Contains("| train.lr | main |"));
  const ImportanceResult r = importance(sweep.info(), group_repeats(sweep.runs()), ImportanceOptions{});
  CHECK(!r.exact);
  CHECK(r.terms[0].settings == std::vector<std::string>{"train.lr"});
  REQUIRE(r.terms[0].interval);
  CHECK(r.terms[0].interval->first <= r.terms[0].interval->second);
  CHECK(test::run_tool(scratch, "report", args + " --seed 5").out != first.out);
}

TEST_CASE("report --importance refuses too few configurations and a sweep that varies nothing", "[importance]") {
  const test::TempDir scratch;
  const test::RepeatSweep two(test::small_spec("two", "grid:\n  model.width: [4, 8, 16]\n"),
                              [](const nlohmann::json& config, int64_t) -> std::optional<test::Figures> {
                                if (config["model"]["width"] == 16) return std::nullopt;
                                return test::Figures{0.3};
                              });
  const test::ToolResult few = test::run_tool(scratch, "report", "--importance --db '" + two.db_path + "'");
  CHECK(few.status == 2);
  CHECK_THAT(few.err, Contains("needs at least 3 finished configurations"));
  CHECK(std::count(few.err.begin(), few.err.end(), '\n') == 1);
  const test::RepeatSweep one(test::small_spec("one", "repeats: 3\n"), [](const nlohmann::json&, int64_t r) {
    return std::optional<test::Figures>(test::Figures{0.3 + 0.01 * r});
  });
  const test::ToolResult none = test::run_tool(scratch, "report", "--importance --db '" + one.db_path + "'");
  CHECK(none.status == 2);
  CHECK_THAT(none.err, Contains("varies nothing"));
}
