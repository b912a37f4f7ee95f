// The search's seams: each kind's names parse and print in one place, the factories build the sampler
// and stopping rule a spec names (none without one), and the samplers realise a choice with the same
// category mapping TPE's kernels use; a TPE model proposal takes its best candidate whose config the
// sweep lacks, and explores when every candidate repeats.
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

namespace {

// A TPE space of one choice among `choices` and a history of two finished trials: the first category
// (loss 0.1, on the good side) and the second (0.5), so that draw 3 is a model proposal.
struct TwoResults {
  SearchSpace space;
  TrialHistory history{bokeh::common::Objective{}, nullptr};
  std::unique_ptr<Sampler> sampler;

  explicit TwoResults(std::vector<nlohmann::json> choices) {
    space.method = SearchMethod::Tpe;
    space.seed = 5;
    space.n_startup_trials = 2;
    space.dimensions.resize(1);
    space.dimensions[0].path = "train.lr";
    space.dimensions[0].distribution = Distribution::Choice;
    space.dimensions[0].choices = std::move(choices);
    const int k = static_cast<int>(space.dimensions[0].choices.size());
    sampler = make_sampler(space);
    for (const auto& [category, loss] : {std::pair{0, 0.1}, std::pair{1, 0.5}}) {
      const TrialDraw startup = sampler->draw(history);
      const int64_t id = startup.number;
      history.add(id, {choice_centre(category, k)}, 1);
      history.reached(id, {bokeh::common::EpochFigures{1, loss, loss, 0, 0, 0, 0}}, 1);
      history.finished(id);
    }
  }
};

}  // namespace

TEST_CASE("tpe: a model proposal whose best candidate repeats a config takes the best one the sweep does not have",
          "[search][tpe][explore]") {
  // Choices a, b, c; a and b have run. The model ranks a first (l holds it), then c, then b (g holds
  // it): a repeats, so the proposal is c, with the candidates skipped (every a) in its state.
  TwoResults s({"a", "b", "c"});
  const TrialDraw draw = s.sampler->draw(s.history);
  CHECK(draw.number == 3);
  CHECK(draw.proposal == Proposal::Model);
  CHECK(draw.values == std::vector<nlohmann::json>{"c"});
  // The same ranking from the kernels: the skipped ones are the candidates ranked above the first c.
  const TpeProposal p =
      tpe_propose({TpeDimension{3}}, {{{choice_centre(0, 3)}, 0.1}, {{choice_centre(1, 3)}, 0.5}}, s.space.seed, 3);
  size_t first_c = 0;
  while (choice_category(p.candidates[first_c][0], 3) != 2) ++first_c;
  REQUIRE(first_c > 0);
  CHECK(choice_category(p.best()[0], 3) == 0);
  CHECK(draw.state.at("skipped") == first_c);
  CHECK(draw.unit == p.candidates[first_c]);
  // Taken as drawn by the sweep: a run, no explore draw.
  std::vector<Proposal> added;
  const std::optional<TrialDraw> taken = s.sampler->next_trial(s.history, [&](const TrialDraw& d) {
    added.push_back(d.proposal);
    return d.values != std::vector<nlohmann::json>{"a"} && d.values != std::vector<nlohmann::json>{"b"};
  });
  CHECK(taken.has_value());
  CHECK(added == std::vector<Proposal>{Proposal::Model});
}

TEST_CASE("tpe: when every candidate repeats a config the sweep has, the model proposes its best and explore follows",
          "[search][tpe][explore]") {
  TwoResults s({"a", "b"});  // both configs have run
  std::vector<TrialDraw> added;
  const std::optional<TrialDraw> taken = s.sampler->next_trial(s.history, [&](const TrialDraw& d) {
    added.push_back(d);
    return false;  // the sweep has every config
  });
  CHECK_FALSE(taken.has_value());
  REQUIRE(added.size() == 2);
  CHECK(added[0].proposal == Proposal::Model);
  CHECK(added[0].values == std::vector<nlohmann::json>{"a"});  // the model's best: l holds a
  CHECK_FALSE(added[0].state.contains("skipped"));
  CHECK(added[1].proposal == Proposal::Explore);
  CHECK(added[1].state.at("repeated_trial") == 3);
}
