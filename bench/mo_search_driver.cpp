// mo_search_driver: our multi-objective search seams on a known bi-objective function, as the sweep
// drives them (make_sampler, Sampler::next_trial, a TrialHistory with two objectives): MO-TPE
// (--method tpe) or the random stream (--method random) on ZDT1 or ZDT2 over --dims unit coordinates,
// each trial observed before the next is drawn. Prints one JSON line per trial: its two objectives
// (both minimised). bench/mo_search turns them into hypervolumes beside Optuna's.
//
//   mo_search_driver --problem zdt1 --method tpe --seed 1 --trials 100 [--dims 4] [--n-startup 10]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <string>

#include "orchestrator/search/make_search.h"

using namespace bokeh::orchestrator;

namespace {

// ZDT1 (f2 = g (1 - sqrt(f1 / g))) or ZDT2 (f2 = g (1 - (f1 / g)^2)), g = 1 + 9 mean(x1..).
std::vector<double> zdt(const std::string& problem, const std::vector<nlohmann::json>& x) {
  const double f1 = x[0].get<double>();
  double rest = 0;
  for (size_t i = 1; i < x.size(); ++i) rest += x[i].get<double>();
  const double g = 1 + 9 * rest / static_cast<double>(x.size() - 1);
  const double ratio = f1 / g;
  return {f1, g * (1 - (problem == "zdt1" ? std::sqrt(ratio) : ratio * ratio))};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"our MO-TPE or random search on ZDT1/ZDT2"};
  std::string problem = "zdt1", method = "tpe";
  uint64_t seed = 1;
  int64_t trials = 100, dims = 4, n_startup = 10;
  app.add_option("--problem", problem, "zdt1 | zdt2")->check(CLI::IsMember({"zdt1", "zdt2"}));
  app.add_option("--method", method, "tpe | random")->check(CLI::IsMember({"tpe", "random"}));
  app.add_option("--seed", seed, "the sampler's seed");
  app.add_option("--trials", trials, "trials to run")->check(CLI::PositiveNumber);
  app.add_option("--dims", dims, "unit coordinates (at least 2)")->check(CLI::Range(2, 20));
  app.add_option("--n-startup", n_startup, "tpe: n_startup_trials")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  SearchSpace space;
  space.method = method == "tpe" ? SearchMethod::Tpe : SearchMethod::Random;
  space.trials = trials;
  space.seed = seed;
  space.n_startup_trials = n_startup;
  for (int64_t d = 0; d < dims; ++d) {
    SearchDimension dim;
    dim.path = "x" + std::to_string(d);
    dim.high = 1;
    space.dimensions.push_back(dim);
  }
  // Stand-ins that carry f1 and f2 through the history's per-epoch objectives, both minimised.
  space.objectives = {bokeh::common::Objective{"val_l1", false}, bokeh::common::Objective{"val_loss", false}};
  const std::unique_ptr<Sampler> sampler = make_sampler(space);
  TrialHistory history(nullptr, space.objectives);
  while (!sampler->exhausted(0)) {
    const std::optional<TrialDraw> draw = sampler->next_trial(history, [](const TrialDraw&) { return true; });
    if (!draw) break;  // not reached: every draw is taken
    sampler->count_trial();
    const int64_t id = sampler->trials();
    history.add(id, draw->unit, 1);
    const std::vector<double> f = zdt(problem, draw->values);
    bokeh::common::EpochFigures figures{1, f[1], f[1], 0, 0, 0, 0};
    figures.val_l1 = f[0];
    history.reached(id, {figures}, 1);
    history.finished(id);
    std::cout << nlohmann::json{{"trial", id}, {"f", f}}.dump() << '\n';
  }
  return 0;
}
