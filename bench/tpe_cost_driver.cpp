// tpe_cost_driver: what one TPE proposal costs the coordinator at a given number of observations: a
// TpeSampler (make_sampler) draws from a TrialHistory holding N finished trials (random unit points of a
// lr (log) x width (int) x SSIM weight space, objective a smooth bowl), as the sweep's draw does: the
// model's fit, its candidates and the check against the sweep's configs. Prints one JSON line per N:
// the median over --reps of the mean milliseconds per proposal over --proposals draws.
//
//   tpe_cost_driver [--observations 100,1000] [--proposals 200] [--reps 5]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "orchestrator/plan/search_points.h"
#include "orchestrator/search/make_search.h"

using namespace bokeh::orchestrator;

namespace {

SearchSpace cost_space() {
  SearchSpace space;
  space.method = SearchMethod::Tpe;
  space.seed = 7;
  space.n_startup_trials = 10;
  SearchDimension lr{"train.lr", Distribution::LogUniform, 1e-4, 1e-1};
  SearchDimension width{"model.width", Distribution::Integer, 4, 64};
  SearchDimension ssim{"loss.ssim", Distribution::Uniform, 0.5, 2.0};
  space.dimensions = {lr, width, ssim};
  return space;
}

// The mean milliseconds of `proposals` draws after `observations` finished trials.
double ms_per_proposal(const SearchSpace& space, int64_t observations, int proposals) {
  TrialHistory history({}, nullptr);  // val_loss: the value-initialised objective, at this commit and the base
  for (int64_t id = 1; id <= observations; ++id) {
    std::vector<double> unit;
    double value = 0;
    for (size_t d = 0; d < space.dimensions.size(); ++d) {
      unit.push_back(hashed_unit(space.seed, static_cast<uint64_t>(id), d));
      value += std::pow(unit.back() - 0.3, 2);
    }
    history.add(id, unit, 1);
    history.reached(id, {bokeh::common::EpochFigures{1, value, value, 0, 0, 0, 0}}, 1);
    history.finished(id);
  }
  const std::unique_ptr<Sampler> sampler = make_sampler(space);
  for (int64_t i = 0; i < space.n_startup_trials; ++i) sampler->draw(history);  // past the startup
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < proposals; ++i) {
    if (sampler->draw(history).proposal != Proposal::Model) throw std::logic_error("not a model proposal");
  }
  const std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
  return spent.count() / proposals;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TPE's cost per proposal at N observations"};
  std::vector<int64_t> counts{100, 1000};
  int proposals = 200, reps = 5;
  app.add_option("--observations", counts, "finished trials the model learns from")->delimiter(',');
  app.add_option("--proposals", proposals, "draws timed per repetition");
  app.add_option("--reps", reps, "repetitions (the median is printed)");
  CLI11_PARSE(app, argc, argv);
  const SearchSpace space = cost_space();
  for (const int64_t n : counts) {
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) ms.push_back(ms_per_proposal(space, n, proposals));
    std::sort(ms.begin(), ms.end());
    std::cout << "{\"observations\": " << n << ", \"ms_per_proposal\": " << ms[ms.size() / 2] << "}" << std::endl;
  }
  return 0;
}
