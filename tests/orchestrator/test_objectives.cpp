// A spec's objectives: early_stopping.metric, search.metric and select.metric by name with their mode, their
// defaults, their canonical form, and the refusal of a loss compared across different loss weights.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "orchestrator/plan/dry_run.h"
#include "orchestrator/plan/objective_check.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec_format/canonical_spec.h"

using namespace bokeh::orchestrator;

namespace {

// A tiny synthetic sweep; `rest` adds runs, grid, search, early_stopping, select.
std::string spec_text(const std::string& rest, const std::string& tables = "[1]") {
  return R"(sweep: o
tables: )" +
         tables + R"(
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {size: 16}}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 9}
  loss: {lpips: 0}
)" + rest;
}

// The SpecError that parsing and planning `text` raises (FAIL when it is accepted).
SpecError refusal(const std::string& text) {
  try {
    plan_runs(parse_spec(text, "o.yaml"));
  } catch (const SpecError& e) {
    return e;
  }
  FAIL("accepted:\n" << text);
  throw std::logic_error("unreachable");
}

const std::string kRunsDifferInSsim = "runs:\n  - {name: a}\n  - {name: b, loss.ssim: 4}\n";
const std::string kAsha = "early_stopping: {method: asha, min_epochs: 1, reduction_factor: 3}\n";

}  // namespace

TEST_CASE("objectives are named with their mode, default to val_loss, and read back from the canonical spec",
          "[objective][spec]") {
  const Spec plain = parse_spec(spec_text(kAsha), "o.yaml");
  CHECK(plain.early_stopping.metric == bokeh::common::Objective{});
  CHECK(search_objective(plain).metric == "val_loss");
  CHECK(selection_objective(plain).metric == "val_loss");

  const Spec named = parse_spec(spec_text("early_stopping: {method: asha, metric: val_psnr, mode: max}\n"
                                          "select: {metric: val_ssim}\n"),
                                "o.yaml");
  CHECK(named.early_stopping.metric == bokeh::common::Objective{"val_psnr", true});
  CHECK(named.early_stopping.metric_where.line == 8);
  CHECK(search_objective(named).metric == "val_psnr");  // the early-stopping metric, without search.metric
  CHECK(selection_objective(named).metric == "val_ssim");
  const StoredSpec stored = read_stored_spec(canonical_spec(named).dump());
  CHECK(stored.early_stopping->metric == named.early_stopping.metric);
  CHECK(stored.search_objective.metric == "val_psnr");
  CHECK(stored.selection.metric == "val_ssim");

  // train_loss stops runs early but chooses no table rows (it has no best-epoch value): val_loss does.
  const Spec train = parse_spec(spec_text("early_stopping: {method: asha, metric: train_loss}\n"), "o.yaml");
  CHECK(selection_objective(train).metric == "val_loss");

  // search.metric over the early-stopping metric; only given ones enter the canonical form.
  const Spec searched = parse_spec(spec_text(R"(search:
  method: tpe
  trials: 4
  metric: val_l1
  space: {train.lr: {loguniform: [1.0e-4, 1.0e-2]}}
early_stopping: {method: asha, metric: val_psnr}
)"),
                                   "o.yaml");
  CHECK(search_objective(searched).metric == "val_l1");
  CHECK(canonical_spec(searched)["search"]["metric"] == "val_l1");
  CHECK_FALSE(canonical_spec(plain).contains("select"));
  CHECK(read_stored_spec(canonical_spec(searched).dump()).search_objective.metric == "val_l1");
}

TEST_CASE("a bad objective is refused at its key", "[objective][spec]") {
  const SpecError unknown = refusal(spec_text("early_stopping: {method: asha, metric: psnr}\n"));
  CHECK(unknown.where().key == "early_stopping.metric");
  CHECK(unknown.message().find("must be one of train_loss, val_loss, val_l1, val_psnr, val_ssim, val_lpips") !=
        std::string::npos);
  const SpecError wrong_way = refusal(spec_text("early_stopping: {method: asha, metric: val_psnr, mode: min}\n"));
  CHECK(wrong_way.where().key == "early_stopping.mode");
  CHECK(wrong_way.message() == "val_psnr is better higher: its mode is max (or leave mode out)");
  CHECK(refusal(spec_text("select: {metric: train_loss}\n")).message().find("at their best epoch") !=
        std::string::npos);
  CHECK(refusal(spec_text("select: {mode: max}\n")).where().key == "select.metric");
  const SpecError lpips = refusal(spec_text("select: {metric: val_lpips}\n"));
  CHECK(lpips.where().key == "select.metric");
  CHECK(lpips.message().find("needs the LPIPS weights") != std::string::npos);
}

TEST_CASE("a loss compared across different loss weights is refused where the spec chooses it", "[objective][spec]") {
  // Early stopping on the default val_loss while the runs differ in loss.ssim: refused at early_stopping.
  const SpecError es = refusal(spec_text(kRunsDifferInSsim + kAsha));
  CHECK(es.where().key == "early_stopping");
  CHECK(es.message().find("early stopping ranks runs by val_loss, but the runs differ in loss.ssim") !=
        std::string::npos);
  CHECK(es.message().find("val_l1, val_psnr, val_ssim, val_lpips") != std::string::npos);
  // Written explicitly: refused at the metric.
  const SpecError written =
      refusal(spec_text("grid:\n  loss.l1: [1, 2]\nearly_stopping: {method: asha, metric: train_loss}\n"));
  CHECK(written.where().key == "early_stopping.metric");
  CHECK(written.message().find("differ in loss.l1") != std::string::npos);
  // A TPE search that samples a loss weight and models the default val_loss: refused at search.
  const SpecError tpe = refusal(spec_text(R"(search:
  method: tpe
  trials: 4
  space: {loss.ssim: {uniform: [0.5, 2]}}
)"));
  CHECK(tpe.where().key == "search");
  CHECK(tpe.message().find("the search models by val_loss, but the runs differ in loss.ssim") != std::string::npos);
  // Tables 2 and 4 choose their best runs by val_loss by default: refused at tables, saying how to choose.
  const SpecError tables = refusal(spec_text(kRunsDifferInSsim, "[1, 4]"));
  CHECK(tables.where().key == "tables");
  CHECK(tables.message().find("add select: {metric: val_psnr}") != std::string::npos);

  // Comparable: the same spec choosing a figure, a loss within one set of weights, rows the spec names.
  CHECK_NOTHROW(plan_runs(parse_spec(spec_text(kRunsDifferInSsim + "select: {metric: val_psnr}\n", "[1, 4]"), "o")));
  CHECK_NOTHROW(plan_runs(parse_spec(spec_text("grid:\n  train.lr: [1.0e-3, 2.0e-3]\n" + kAsha, "[2]"), "o")));
  CHECK_NOTHROW(plan_runs(parse_spec(spec_text(kRunsDifferInSsim, "{4: [a, b]}"), "o")));
  CHECK_NOTHROW(
      plan_runs(parse_spec(spec_text(kRunsDifferInSsim + "early_stopping: {method: asha, metric: val_ssim}\n"), "o")));
  const Spec varied = parse_spec(spec_text(kRunsDifferInSsim + "grid:\n  loss.l1: [1, 2]\n"), "o");
  CHECK(varying_loss_weights(varied, plan_runs(varied)) == std::vector<std::string>{"loss.l1", "loss.ssim"});
}

TEST_CASE("search.objectives: 2 or 3 figures with their modes, static ones too, in the canonical spec when given",
          "[objective][spec]") {
  const std::string space = "  space: {train.lr: {loguniform: [1.0e-4, 1.0e-2]}, loss.ssim: {uniform: [0.5, 2]}}\n";
  const Spec two = parse_spec(spec_text("search:\n  method: tpe\n  trials: 4\n"
                                        "  objectives: [{metric: val_psnr, mode: max}, {metric: params, mode: min}]\n" +
                                        space),
                              "o.yaml");
  CHECK(two.search.objectives == std::vector<bokeh::common::Objective>{{"val_psnr", true}, {"params", false}});
  CHECK(two.search.objectives_where.line == 11);
  CHECK(search_objectives(two) == two.search.objectives);
  CHECK(canonical_spec(two)["search"]["objectives"] ==
        nlohmann::json::parse(R"([{"metric": "val_psnr", "mode": "max"}, {"metric": "params", "mode": "min"}])"));
  CHECK_NOTHROW(plan_runs(two));  // val_psnr and params compare runs whatever their loss weights

  const Spec three =
      parse_spec(spec_text("search:\n  method: random\n  trials: 4\n"
                           "  objectives: [{metric: val_l1}, {metric: flops}, {metric: val_ssim, mode: max}]\n" +
                           space),
                 "o.yaml");
  CHECK(three.search.objectives ==
        std::vector<bokeh::common::Objective>{{"val_l1", false}, {"flops", false}, {"val_ssim", true}});

  // Without objectives: the one objective, and no key in the canonical spec.
  const Spec one = parse_spec(spec_text("search:\n  method: tpe\n  trials: 4\n" + space + kAsha), "o.yaml");
  CHECK(search_objectives(one) == std::vector<bokeh::common::Objective>{{"val_loss", false}});
  CHECK_FALSE(canonical_spec(one)["search"].contains("objectives"));
}

TEST_CASE("bad search.objectives are refused at their key", "[objective][spec]") {
  const auto with = [](const std::string& lines) {
    return spec_text("search:\n  method: tpe\n  trials: 4\n" + lines +
                     "  space: {train.lr: {loguniform: [1.0e-4, 1.0e-2]}, loss.ssim: {uniform: [0.5, 2]}}\n");
  };
  const SpecError one = refusal(with("  objectives: [{metric: val_psnr}]\n"));
  CHECK(one.where().key == "search.objectives");
  CHECK(one.message().find("must be a list of 2 or 3 objectives") != std::string::npos);
  CHECK(refusal(with("  objectives: [{metric: val_psnr}, {metric: params}, {metric: flops}, {metric: val_l1}]\n"))
            .where()
            .key == "search.objectives");
  const SpecError unknown = refusal(with("  objectives: [{metric: val_psnr}, {metric: size}]\n"));
  CHECK(unknown.where().key == "search.objectives[1].metric");
  CHECK(unknown.message().find("val_bg_blur, params, flops") != std::string::npos);
  const SpecError mode = refusal(with("  objectives: [{metric: val_psnr}, {metric: params, mode: max}]\n"));
  CHECK(mode.where().key == "search.objectives[1].mode");
  CHECK(mode.message() == "params is better lower: its mode is min (or leave mode out)");
  CHECK(refusal(with("  objectives: [{metric: val_psnr}, {metric: val_psnr}]\n")).message() ==
        "names an objective a second time");
  CHECK(refusal(with("  objectives: [{mode: max}, {metric: params}]\n")).where().key == "search.objectives[0].metric");
  CHECK(refusal(with("  objectives: [val_psnr, params]\n")).where().key == "search.objectives[0]");
  const SpecError both = refusal(with("  metric: val_psnr\n  objectives: [{metric: val_psnr}, {metric: params}]\n"));
  CHECK(both.where().key == "search.objectives");
  CHECK(both.message().find("leave search.metric out") != std::string::npos);
  // Early stopping ranks by the objectives (MO-ASHA): a metric of its own is refused.
  const SpecError es = refusal(with("  objectives: [{metric: val_psnr}, {metric: params}]\n") +
                               "early_stopping: {method: asha, metric: val_psnr}\n");
  CHECK(es.where().key == "early_stopping.metric");
  CHECK(es.message() == "early stopping ranks runs by search.objectives (line 11): leave early_stopping.metric out");
  const Spec mo_asha = parse_spec(with("  objectives: [{metric: val_psnr}, {metric: params}]\n") + kAsha, "o.yaml");
  CHECK(mo_asha.early_stopping.objectives == mo_asha.search.objectives);
  CHECK_NOTHROW(plan_runs(mo_asha));  // its default val_loss ranks nothing: no loss-weight refusal
  std::ostringstream dry;
  print_dry_run(dry, mo_asha, plan_runs(mo_asha), 0);
  CHECK(dry.str().find("objectives: val_psnr (higher is better), params (lower is better), their Pareto front "
                       "searched") != std::string::npos);
  CHECK(dry.str().find("early stopping: asha on the fronts of val_psnr, params, reduction factor 3") !=
        std::string::npos);
  // A loss among them while the search samples a loss weight: refused at the objectives.
  const SpecError loss = refusal(with("  objectives: [{metric: val_loss}, {metric: params}]\n"));
  CHECK(loss.where().key == "search.objectives");
  CHECK(loss.message().find("the search compares trials by val_loss, but the runs differ in loss.ssim") !=
        std::string::npos);
}

TEST_CASE("a stored spec reads back its several objectives, and early stopping ranks by their fronts",
          "[objective][spec]") {
  const Spec spec = load_spec(std::string(BOKEH_SOURCE_DIR) + "/sweeps/demo_mo.yaml");
  const StoredSpec stored = read_stored_spec(canonical_spec(spec).dump());
  const std::vector<bokeh::common::Objective> both = {{"val_psnr", true}, {"params", false}};
  CHECK(stored.search_objectives == both);
  REQUIRE(stored.early_stopping);
  CHECK(stored.early_stopping->objectives == both);
  CHECK(read_stored_spec(canonical_spec(parse_spec(spec_text(kAsha), "o.yaml")).dump()).search_objectives.empty());
}

TEST_CASE("search.reference_point: one number per objective, each short of what its figure can reach",
          "[objective][spec]") {
  const auto with = [](const std::string& lines) {
    return spec_text("search:\n  method: tpe\n  trials: 4\n" + lines +
                     "  space: {train.lr: {loguniform: [1.0e-4, 1.0e-2]}, loss.ssim: {uniform: [0.5, 2]}}\n");
  };
  const std::string two = "  objectives: [{metric: val_ssim}, {metric: params}]\n";
  const Spec given = parse_spec(with(two + "  reference_point: [0.5, 2.0]\n"), "o.yaml");
  CHECK(given.search.reference_point == std::vector<double>{0.5, 2.0});
  CHECK(canonical_spec(given)["search"]["reference_point"] == nlohmann::json{0.5, 2.0});
  CHECK(read_stored_spec(canonical_spec(given).dump()).reference_point == std::vector<double>{0.5, 2.0});
  CHECK_FALSE(canonical_spec(parse_spec(with(two), "o.yaml"))["search"].contains("reference_point"));

  const SpecError count = refusal(with(two + "  reference_point: [0.5]\n"));
  CHECK(count.where().key == "search.reference_point");
  CHECK(count.message() == "must be a list of 2 numbers, one per objective in search.objectives' order");
  const SpecError ssim = refusal(with(two + "  reference_point: [1.0, 2.0]\n"));
  CHECK(ssim.where().key == "search.reference_point[0]");
  CHECK(ssim.message() ==
        "val_ssim cannot be better than 1 (val_ssim is at most that), so no run would dominate this reference point");
  const SpecError params = refusal(with(two + "  reference_point: [0.5, 0]\n"));
  CHECK(params.where().key == "search.reference_point[1]");
  CHECK(refusal(with(two + "  reference_point: [0.5, big]\n")).where().key == "search.reference_point[1]");
  const SpecError single = refusal(with("  reference_point: [0.5, 2.0]\n"));
  CHECK(single.message() == "applies to search.objectives (a multi-objective search) only");
}
