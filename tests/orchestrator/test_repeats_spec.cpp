// `repeats: K` in a spec: K runs per configuration (the first as without repeats, the others with
// "repeat": r in their config, named NAME-rR, seeded with the first's seed + r), a per-run `repeats`
// over the top-level one, the canonical spec unchanged without repeats, the dry run's K and cost
// times K, and the refusal of 0 and non-integers naming the file, line and key.
#include <catch2/catch.hpp>

#include <sstream>

#include "common/run_settings.h"
#include "orchestrator/plan/dry_run.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "orchestrator/spec/spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using Catch::Matchers::Contains;

namespace {

const std::string kRepeatsHead =
    "sweep: t\nseed: 7\n"
    "data: {height: 32, width: 32, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 10, size: 32}}\n"
    "base: {loss: {lpips: 0}, model: {width: 4, depth: 2}}\n";

Spec spec_of(const std::string& body) { return parse_spec(kRepeatsHead + body, "t.yaml"); }

std::string rejection(const std::string& body) {
  try {
    spec_of(body);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("repeats: K plans K runs per configuration with the first run's seed + r", "[repeats]") {
  const RunPlan once = plan_runs(spec_of("grid:\n  model.width: [4, 8]\n"));
  const RunPlan thrice = plan_runs(spec_of("repeats: 3\ngrid:\n  model.width: [4, 8]\n"));
  REQUIRE(once.runs.size() == 2);
  REQUIRE(thrice.runs.size() == 6);
  const std::vector<std::string> names = {"w4", "w4-r2", "w4-r3", "w8", "w8-r2", "w8-r3"};
  for (size_t i = 0; i < thrice.runs.size(); ++i) {
    const PlannedRun& r = thrice.runs[i];
    const PlannedRun& first = once.runs[i / 3];
    CHECK(r.name == names[i]);
    CHECK(r.repeat == static_cast<int64_t>(i % 3));
    CHECK(r.repeats == 3);
    CHECK(r.group == first.key);
    CHECK(r.seed == run_seed(7, first.key) + r.repeat);  // the data split is the spec's, untouched
    CHECK(config_without_repeat(r.config) == first.config);
    CHECK(config_repeat(r.config) == r.repeat);
    CHECK(config_seed(7, r.config) == r.seed);
    if (r.repeat == 0) {  // the first repeat is the run as it was without repeats
      CHECK(r.key == first.key);
      CHECK(r.config == first.config);
      CHECK(r.seed == first.seed);
    } else {
      CHECK(r.key != first.key);
    }
  }
}

TEST_CASE("a run's own repeats overrides the spec's, and a spec without repeats is canonically unchanged",
          "[repeats]") {
  const RunPlan plan =
      plan_runs(spec_of("repeats: 2\nruns:\n  - name: A\n    repeats: 4\n  - name: B\n    model: {width: 8}\n"));
  std::map<std::string, int> count;
  for (const PlannedRun& r : plan.runs) ++count[r.name.substr(0, 1)];
  CHECK(count["A"] == 4);
  CHECK(count["B"] == 2);
  CHECK(!canonical_spec(spec_of("grid:\n  model.width: [4]\n")).contains("repeats"));
  CHECK(canonical_spec(spec_of("repeats: 1\ngrid:\n  model.width: [4]\n")) ==
        canonical_spec(spec_of("grid:\n  model.width: [4]\n")));
  CHECK(canonical_spec(spec_of("repeats: 2\ngrid:\n  model.width: [4]\n"))["repeats"] == 2);
  // --set reaches it too.
  CHECK(plan_runs(parse_spec(kRepeatsHead, "t.yaml", {"repeats=3"})).runs.size() == 3);
}

TEST_CASE("repeats must be an integer >= 1", "[repeats]") {
  CHECK_THAT(rejection("repeats: 0\n"), Contains("t.yaml:5: repeats: must be >= 1 (got 0)"));
  CHECK_THAT(rejection("repeats: 2.5\n"), Contains("repeats: must be an integer"));
  CHECK_THAT(rejection("repeats: three\n"), Contains("repeats: must be an integer"));
  CHECK_THAT(rejection("runs:\n  - name: A\n    repeats: 0\n"), Contains("runs[0].repeats: must be >= 1 (got 0)"));
}

TEST_CASE("the dry run shows K per configuration and the cost times K", "[repeats]") {
  const Spec once = spec_of("grid:\n  model.width: [16, 32]\n");
  const Spec thrice = spec_of("repeats: 3\ngrid:\n  model.width: [16, 32]\n");
  std::ostringstream a, b;
  print_dry_run(a, once, plan_runs(once), 0);
  print_dry_run(b, thrice, plan_runs(thrice), 0);
  CHECK(a.str().find("repeats:") == std::string::npos);
  CHECK_THAT(b.str(), Contains("sweep \"t\" (t.yaml): 6 runs"));
  CHECK_THAT(b.str(), Contains("repeats: 2 configurations, 6 runs in all"));
  CHECK(b.str().find("w16-r2") == std::string::npos);  // one row per configuration
  // The total is three times the single sweep's.
  const auto total = [](const std::string& text) {
    const size_t at = text.find("\ntotal");
    return std::stod(text.substr(text.find_first_of("0123456789", at)));
  };
  CHECK(total(b.str()) == Approx(3 * total(a.str())).epsilon(0.02));
}

TEST_CASE("a spec with search: keeps repeats at 1 and says repeats apply to runs: and grid: points only", "[repeats]") {
  const std::string search = "search: {method: random, trials: 2, space: {train.lr: {loguniform: [1e-4, 1e-3]}}}\n";
  const auto refusal = [&](const std::string& body, const std::vector<std::string>& sets) -> std::string {
    try {
      plan_runs(parse_spec(kRepeatsHead + body, "t.yaml", sets));
    } catch (const SpecError& e) {
      return e.what();
    }
    return "";
  };
  const std::string expected =
      "repeats: is 2, but sampled trials (search:) train once each: repeats apply to runs: and grid: points only, "
      "so a spec with search: keeps it at 1 (give a runs: entry its own repeats instead)";
  CHECK(refusal("repeats: 2\n" + search, {}) == "t.yaml:5: " + expected);
  CHECK(refusal(search, {"repeats=2"}) == "--set repeats=2: " + expected);
  // What the refusal suggests works: a run's own repeats beside a search.
  const RunPlan plan = plan_runs(parse_spec(kRepeatsHead + search + "runs:\n  - {name: A, repeats: 2}\n", "t.yaml"));
  CHECK(plan.runs.size() == 2);
  CHECK(plan.runs[1].name == "A-r2");
}
