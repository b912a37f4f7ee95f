// The search's seams: each kind's names parse and print in one place, the factories build the sampler
// and stopping rule a spec names (none without one), and the samplers realise a choice with the same
// category mapping TPE's kernels use.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "orchestrator/search/make_search.h"
#include "orchestrator/spec/choice_mapping.h"
#include "orchestrator/plan/search_points.h"

using namespace bokeh::orchestrator;

TEST_CASE("search names: one table per kind, parsed and printed alike", "[search]") {
  CHECK(kind_names<SearchMethod>() == std::vector<std::string>{"random", "sobol", "tpe"});
  CHECK(kind_names<StoppingMethod>() == std::vector<std::string>{"asha"});
  CHECK(kind_names<Proposal>() == std::vector<std::string>{"random", "sobol", "startup", "model", "explore"});
  for (const std::string& name : kind_names<Proposal>()) CHECK(to_string(parse_kind<Proposal>(name)) == name);
  for (const std::string& name : kind_names<SearchMethod>()) CHECK(to_string(parse_kind<SearchMethod>(name)) == name);
  CHECK(std::string(to_string(SearchMethod::None)).empty());
  CHECK_THROWS_AS(parse_kind<SearchMethod>("bayes"), std::invalid_argument);
}

TEST_CASE("the factories build the spec's sampler and none without a search", "[search]") {
  SearchSpace space;
  space.seed = 3;
  space.n_startup_trials = 2;
  space.dimensions.resize(1);
  CHECK(make_sampler(space) == nullptr);
  const TrialHistory nothing(bokeh::common::Objective{}, nullptr);
  for (const auto& [method, proposal] :
       {std::pair{SearchMethod::Random, Proposal::Random}, std::pair{SearchMethod::Sobol, Proposal::Sobol},
        std::pair{SearchMethod::Tpe, Proposal::Startup}}) {
    space.method = method;
    const std::unique_ptr<Sampler> sampler = make_sampler(space);
    REQUIRE(sampler != nullptr);
    const TrialDraw first = sampler->draw(nothing);
    CHECK(first.number == 1);
    CHECK(first.proposal == proposal);
    CHECK(first.unit == unit_point(space, 0));  // the stream point (TPE's startup is a Sobol point)
    const TrialDraw explored = sampler->explore(first);
    CHECK(explored.proposal == Proposal::Explore);
    CHECK(explored.state.at("repeated_trial") == 1);
    CHECK(explored.unit == unit_point(space, 1));
  }
}

TEST_CASE("a choice's value and TPE's category come from one mapping", "[search][samplers]") {
  SearchDimension choice;
  choice.distribution = Distribution::Choice;
  choice.choices = {1, 2, 3, 4, 5};
  for (int c = 0; c < 5; ++c) {
    CHECK(choice_category(choice_centre(c, 5), 5) == c);
    CHECK(dimension_value(choice, choice_centre(c, 5)) == choice.choices[static_cast<size_t>(c)]);
  }
  for (double unit : {0.0, 0.199, 0.2, 0.5, 0.7999, 0.8, 0.9999, 1.0})
    CHECK(dimension_value(choice, unit) == choice.choices[static_cast<size_t>(choice_category(unit, 5))]);
}
