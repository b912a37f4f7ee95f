// The multi-objective search's history and sampler: a trial's cost vector per level with its static
// figures (params, flops) beside its per-epoch ones, a trial stopped at a rung an observation there, a
// trial in flight worst in every objective; and MO-TPE on ZDT1 (a known bi-objective function) reaching a
// larger hypervolume than random search with the same number of trials, over seeds; MO-ASHA's
// decisions on a hand-worked rung, with the front and rank each names, and the same state after a reload.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <map>
#include <set>
#include <string>

#include "orchestrator/search/asha_rule.h"
#include "orchestrator/search/make_search.h"
#include "orchestrator/search/pareto.h"
#include "orchestrator/search/trial_history.h"
#include "support/temp_dir.h"

using namespace bokeh::orchestrator;
using bokeh::common::EpochFigures;
using bokeh::common::Objective;

namespace {

constexpr double kWorst = std::numeric_limits<double>::infinity();

EpochFigures psnr_epoch(int64_t epoch, double psnr) {
  EpochFigures f{epoch, 1, 1, 0, 0, 0, 0};
  f.val_psnr = psnr;
  return f;
}

// ZDT1 on three unit coordinates: f1 = x0, f2 = g (1 - sqrt(f1 / g)) with g = 1 + 9 mean(x1, x2); its
// front is f2 = 1 - sqrt(f1) at x1 = x2 = 0.
CostVector zdt1(const std::vector<nlohmann::json>& x) {
  const double f1 = x[0].get<double>(), g = 1 + 9 * (x[1].get<double>() + x[2].get<double>()) / 2;
  return {f1, g * (1 - std::sqrt(f1 / g))};
}

// A TPE or random space of three unit coordinates searched for val_l1 (ZDT1's f1) and val_loss (its f2).
SearchSpace zdt1_space(SearchMethod method, uint64_t seed, int64_t trials) {
  SearchSpace space;
  space.method = method;
  space.trials = trials;
  space.seed = seed;
  space.n_startup_trials = 10;
  for (const char* path : {"train.lr", "train.weight_decay", "model.dropout"}) {
    SearchDimension d;
    d.path = path;
    d.high = 1;
    space.dimensions.push_back(d);
  }
  space.objectives = {Objective{"val_l1", false}, Objective{"val_loss", false}};
  return space;
}

// The next trial drawn and added to `history`; observed (ZDT1, epoch 1 of 1) unless `pending`.
TrialDraw next_zdt1_trial(Sampler& sampler, TrialHistory& history, bool pending = false) {
  const std::optional<TrialDraw> draw = sampler.next_trial(history, [](const TrialDraw&) { return true; });
  REQUIRE(draw);
  sampler.count_trial();
  const int64_t id = sampler.trials();
  history.add(id, draw->unit, 1);
  if (!pending) {
    const CostVector f = zdt1(draw->values);
    EpochFigures figures{1, f[1], f[1], 0, 0, 0, 0};
    figures.val_l1 = f[0];
    history.reached(id, {figures}, 1);
    history.finished(id);
  }
  return *draw;
}

// The hypervolume against (1.1, 11) of `trials` trials of `method` on ZDT1, each observed before the next.
double zdt1_hypervolume(SearchMethod method, uint64_t seed, int64_t trials) {
  const SearchSpace space = zdt1_space(method, seed, trials);
  const std::unique_ptr<Sampler> sampler = make_sampler(space);
  TrialHistory history(nullptr, space.objectives);
  std::vector<CostVector> seen;
  while (!sampler->exhausted(0)) seen.push_back(zdt1(next_zdt1_trial(*sampler, history).values));
  return hypervolume(seen, {1.1, 11});
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

TEST_CASE("the history keeps a cost vector per level: static figures from the run, a stopped trial at its rung",
          "[search][objectives]") {
  bokeh::test::TempDir dir;
  Store store(dir.file("s.db"));
  EarlyStopping asha;
  asha.method = StoppingMethod::Asha;  // rungs at epochs 1 and 3 below 9
  const AshaRule rule(store, "s", asha);
  TrialHistory history(&rule, {Objective{"val_psnr", true}, Objective{"params", false}, Objective{"flops", false}});
  history.add(1, {0.1}, 9, StaticFigures{100, 2e9});
  history.add(2, {0.2}, 9, StaticFigures{50, 1e9});
  history.add(3, {0.3}, 9, StaticFigures{10, 5e8});
  history.reached(1, {psnr_epoch(1, 20), psnr_epoch(2, 21), psnr_epoch(3, 22)}, 3);  // went on past rung 1
  history.reached(2, {psnr_epoch(1, 25)}, 1);
  history.stopped(2, true);  // stopped at rung 0 (epoch 1)

  // Epoch 3 has one result: run 1; run 2 cannot reach it; run 3, pending, is the liar.
  const LevelObservations top = history.at_best_level(1);
  CHECK(top.epoch == 3);
  CHECK(top.costs == std::vector<CostVector>{{-22, 100, 2e9}, {kWorst, kWorst, kWorst}});
  CHECK(top.observations[0].value == -22);  // the first objective's cost
  // Epoch 1 has two: the stopped run 2 is an observation at its rung.
  const LevelObservations rung0 = history.at_best_level(2);
  CHECK(rung0.epoch == 1);
  CHECK(rung0.observed == 2);
  CHECK(rung0.pending == 1);
  CHECK(rung0.costs == std::vector<CostVector>{{-20, 100, 2e9}, {-25, 50, 1e9}, {kWorst, kWorst, kWorst}});
}

TEST_CASE("MO-TPE on ZDT1 reaches a larger hypervolume than random search with the same trials",
          "[search][objectives][tpe]") {
  std::vector<double> tpe, random;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    tpe.push_back(zdt1_hypervolume(SearchMethod::Tpe, seed, 40));
    random.push_back(zdt1_hypervolume(SearchMethod::Random, seed, 40));
  }
  INFO("MO-TPE median " << median(tpe) << ", random median " << median(random));
  CHECK(median(tpe) > median(random));
  // Deterministic per seed.
  CHECK(zdt1_hypervolume(SearchMethod::Tpe, 3, 40) == tpe[2]);
}

TEST_CASE("MO-ASHA: a hand-worked rung of val_psnr (max) and params (min), η = 2", "[asha][objectives]") {
  bokeh::test::TempDir dir;
  Store store(dir.file("s.db"));
  store.register_sweep(SweepInfo{"m", "sweep: m\n", "hash", R"({"sweep": "m"})", "[]", 0, "", ""});
  // name, params; their PSNR at epoch 1 (rung 0 of 4 epochs: rungs at epochs 1 and 2).
  store.add_runs("m", {NewRun{"ka", "a", "{}", 1, 100, 4, 1}, NewRun{"kb", "b", "{}", 1, 50, 4, 2},
                       NewRun{"kc", "c", "{}", 1, 200, 4, 3}, NewRun{"kd", "d", "{}", 1, 30, 4, 4}});
  const std::map<std::string, double> psnr = {{"a", 20}, {"b", 18}, {"c", 19}, {"d", 25}};
  EarlyStopping es;
  es.method = StoppingMethod::Asha;
  es.reduction_factor = 2;
  es.objectives = {Objective{"val_psnr", true}, Objective{"params", false}};
  AshaRule rule(store, "m", es);
  rule.load();
  const auto reach = [&](const std::string& name) {
    std::optional<RunRecord> run;
    for (RunRecord& r : store.runs("m")) {
      if (r.name == name) run = std::move(r);
    }
    REQUIRE(run);
    std::vector<std::string> out;
    for (const StopDecision& d : rule.on_rung_reached(*run, {psnr_epoch(1, psnr.at(name))}, "{}"))
      out.push_back(fmt::format("{} {} {}", d.run_name, d.goes_on ? "on" : "stop", d.why));
    return out;
  };
  const std::string tail = " recorded there by non-dominated sorting and ε-net; the best ";
  // a alone: none of 1 goes on.
  CHECK(reach("a") == std::vector<std::string>{"a stop rung 0 (epoch 1): val_psnr 20, params 100; front 1, 1st of 1" +
                                               tail + "0 go on (1/2)"});
  // b beside a on the first front; the ε-net takes a first (better PSNR): b stops, a is promoted.
  CHECK(reach("b") ==
        std::vector<std::string>{
            "b stop rung 0 (epoch 1): val_psnr 18, params 50; front 1, 2nd of 2" + tail + "1 go on (1/2)",
            "a on rung 0 (epoch 1): val_psnr 20, params 100; front 1, 1st of 2" + tail + "1 go on (1/2)"});
  // c is dominated by a: the second front, last.
  CHECK(reach("c") == std::vector<std::string>{"c stop rung 0 (epoch 1): val_psnr 19, params 200; front 2, 3rd of 3" +
                                               tail + "1 go on (1/2)"});
  // d dominates every run: the first front alone, first of 4, and the best 2 (d, a) go on.
  CHECK(reach("d") == std::vector<std::string>{"d on rung 0 (epoch 1): val_psnr 25, params 30; front 1, 1st of 4" +
                                               tail + "2 go on (1/2)"});
  // Reopened: the rung table derives the same, and no stopped run (b, c) is due a promotion.
  AshaRule reopened(store, "m", es);
  reopened.load();
  CHECK(reopened.promote_due().empty());
  std::map<std::string, std::string> states;
  for (const RunRecord& r : store.runs("m")) states[r.name] = fmt::format("{} {}", to_string(r.state), r.rung);
  CHECK(states == std::map<std::string, std::string>{
                      {"a", "pending 1"}, {"b", "stopped 0"}, {"c", "stopped 0"}, {"d", "pending 1"}});
}

TEST_CASE("MO-TPE: concurrent requests get distinct proposals, the trials in flight worst in every objective",
          "[search][objectives][tpe]") {
  const SearchSpace space = zdt1_space(SearchMethod::Tpe, 5, 20);
  const std::unique_ptr<Sampler> sampler = make_sampler(space);
  TrialHistory history(nullptr, space.objectives);
  for (int i = 0; i < 10; ++i) next_zdt1_trial(*sampler, history);  // the startup, observed
  std::vector<std::vector<double>> proposed;
  for (int64_t k = 0; k < 6; ++k) {
    const TrialDraw draw = next_zdt1_trial(*sampler, history, true);  // in flight: no result yet
    INFO(draw.state.dump());
    CHECK(draw.proposal == Proposal::Model);
    CHECK(draw.state.at("pending") == k);
    CHECK(draw.state.at("observed") == 10);
    CHECK(draw.state.at("below") == (k == 0 ? 1 : 2));  // ceil(0.1 (10 + k)), all observed: never a liar
    for (const std::vector<double>& other : proposed) CHECK(draw.unit != other);
    proposed.push_back(draw.unit);
  }
}
