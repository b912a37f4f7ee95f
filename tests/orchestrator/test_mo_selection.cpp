// What a multi-objective sweep's tables choose their best runs by without `select`: the first of its
// objectives that a run has a value of at its best epoch (a static params/flops is passed over), in the
// parsed spec and in the stored spec the reports read.
#include <catch2/catch.hpp>

#include <string>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec_format/canonical_spec.h"

using namespace bokeh::orchestrator;

namespace {

// A tiny synthetic MO sweep over lr and the SSIM weight with `objectives` (and `rest` after the search).
std::string mo_spec_text(const std::string& objectives, const std::string& rest = "") {
  return R"(sweep: mo
tables: [1, 2, 4]
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {size: 16}}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 9}
  loss: {lpips: 0}
search:
  method: tpe
  trials: 4
  objectives: )" +
         objectives +
         R"(
  space: {train.lr: {loguniform: [1.0e-4, 1.0e-2]}, loss.ssim: {uniform: [0.5, 2]}}
)" + rest;
}

// The table's choice in the parsed spec, and the same read back from its canonical (stored) form.
std::pair<std::string, std::string> selection_both_ways(const std::string& text) {
  const Spec spec = parse_spec(text, "mo.yaml");
  return {selection_objective(spec).metric, read_stored_spec(canonical_spec(spec).dump()).selection.metric};
}

}  // namespace

TEST_CASE("an MO sweep's tables choose by its first objective with a best-epoch value, or by select",
          "[objective][spec]") {
  using Both = std::pair<std::string, std::string>;
  // params is static (it tells runs apart by size, not by how they learned): val_ssim, the next one.
  const std::string size_first = mo_spec_text("[{metric: params}, {metric: val_ssim, mode: max}]");
  CHECK(selection_both_ways(size_first) == Both{"val_ssim", "val_ssim"});
  CHECK(selection_objective(parse_spec(size_first, "mo.yaml")).higher_is_better);
  // Three objectives: the first per-epoch one.
  CHECK(selection_both_ways(mo_spec_text("[{metric: val_l1}, {metric: flops}, {metric: val_ssim, mode: max}]")) ==
        Both{"val_l1", "val_l1"});
  // select wins.
  CHECK(selection_both_ways(mo_spec_text("[{metric: val_psnr, mode: max}, {metric: params}]",
                                         "select: {metric: val_l1}\n")) == Both{"val_l1", "val_l1"});
  // The runs differ in loss.ssim, yet Tables 2 and 4 compare them by val_ssim, not by the default val_loss
  // (which check_objectives would refuse at tables): the sweep plans.
  CHECK_NOTHROW(plan_runs(parse_spec(size_first, "mo.yaml")));
}
