// The TPE proposal on its own (orchestrator/search/tpe_kernels.h): on known functions its proposals concentrate near
// the optimum, far more than uniform draws do; a choice dimension finds its best category; the
// constant liar moves concurrent proposals apart (without it the same stream proposes the same point);
// the same inputs give the same proposal; the candidates come ranked by the density ratio.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "orchestrator/plan/search_points.h"
#include "orchestrator/search/tpe_kernels.h"
#include "orchestrator/spec/choice_mapping.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {

// A smooth bowl in the unit square with its minimum 0 at (0.7, 0.2).
double bowl(const std::vector<double>& x) { return std::pow(x[0] - 0.7, 2) + std::pow(x[1] - 0.2, 2); }
double distance_to_optimum(const std::vector<double>& x) { return std::sqrt(bowl(x)); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// 10 uniform startup points, then `proposals` TPE proposals, each observed before the next; the distances
// of the last `tail` proposals to the optimum.
std::vector<double> tpe_tail(uint64_t seed, int proposals, int tail) {
  const std::vector<TpeDimension> dims(2);
  std::vector<TpeObservation> obs;
  for (uint64_t t = 0; t < 10; ++t) {
    std::vector<double> x{hashed_unit(seed, t, 0), hashed_unit(seed, t, 1)};
    obs.push_back(TpeObservation{x, bowl(x)});
  }
  std::vector<double> distances;
  for (int i = 0; i < proposals; ++i) {
    const TpeProposal p = tpe_propose(dims, obs, seed, 10 + static_cast<uint64_t>(i));
    REQUIRE(p.best().size() == 2);
    for (double u : p.best()) {
      REQUIRE(u >= 0);
      REQUIRE(u < 1);
    }
    if (i >= proposals - tail) distances.push_back(distance_to_optimum(p.best()));
    obs.push_back(TpeObservation{p.best(), bowl(p.best())});
  }
  return distances;
}

}  // namespace

TEST_CASE("tpe: on a 2-D bowl its proposals concentrate near the optimum, unlike uniform draws", "[tpe]") {
  std::vector<double> medians, near;
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    const std::vector<double> d = tpe_tail(seed, 50, 20);
    medians.push_back(median(d));
    near.push_back(static_cast<double>(std::count_if(d.begin(), d.end(), [](double x) { return x < 0.15; })) / 20.0);
  }
  // Uniform draws in the unit square: the median distance to (0.7, 0.2) is about 0.42, and 5.3% of them
  // lie within 0.15 of it (pi 0.15^2 / 1 ~ 0.071, less the part outside the square).
  std::vector<double> uniform;
  for (uint64_t t = 0; t < 2000; ++t)
    uniform.push_back(distance_to_optimum({hashed_unit(99, t, 0), hashed_unit(99, t, 1)}));
  CHECK(median(uniform) > 0.3);
  for (size_t s = 0; s < medians.size(); ++s) {
    INFO("seed " << s + 1 << ": median distance " << medians[s] << ", share within 0.15 " << near[s]);
    CHECK(medians[s] < 0.12);
    CHECK(near[s] >= 0.5);
  }
}

TEST_CASE("tpe: a choice dimension settles on its best category", "[tpe]") {
  const std::vector<TpeDimension> dims{TpeDimension{0}, TpeDimension{4}};
  const auto f = [](const std::vector<double>& x) {
    const int c = std::min(3, static_cast<int>(x[1] * 4));
    return std::pow(x[0] - 0.3, 2) + (c == 2 ? 0.0 : 0.5);
  };
  std::vector<TpeObservation> obs;
  for (uint64_t t = 0; t < 10; ++t) {
    std::vector<double> x{hashed_unit(7, t, 0), hashed_unit(7, t, 1)};
    obs.push_back(TpeObservation{x, f(x)});
  }
  int best_category = 0;
  for (uint64_t i = 0; i < 30; ++i) {
    const TpeProposal p = tpe_propose(dims, obs, 7, 10 + i);
    const int c = static_cast<int>(p.best()[1] * 4);
    CHECK(p.best()[1] == Approx((c + 0.5) / 4));  // a choice is proposed at its category's centre
    if (i >= 10) best_category += c == 2 ? 1 : 0;
    obs.push_back(TpeObservation{p.best(), f(p.best())});
  }
  CHECK(best_category >= 12);  // of the last 20; uniform choices would give about 5 (12 or more: p < 1e-3)
}

TEST_CASE("tpe: the constant liar gives concurrent requests distinct proposals", "[tpe]") {
  const std::vector<TpeDimension> dims(2);
  std::vector<TpeObservation> obs;
  for (uint64_t t = 0; t < 12; ++t) {
    std::vector<double> x{hashed_unit(3, t, 0), hashed_unit(3, t, 1)};
    obs.push_back(TpeObservation{x, bowl(x)});
  }
  // The same stream (trial number) without a pending trial proposes the same point: the proposals below
  // differ because of the liars, not because of the randomness.
  const TpeProposal first = tpe_propose(dims, obs, 3, 12);
  CHECK(tpe_propose(dims, obs, 3, 12).candidates == first.candidates);
  std::vector<std::vector<double>> proposals{first.best()};
  std::vector<TpeObservation> with_liars = obs;
  for (int worker = 1; worker < 8; ++worker) {
    with_liars.push_back(TpeObservation{proposals.back(), std::numeric_limits<double>::infinity()});
    const TpeProposal p = tpe_propose(dims, with_liars, 3, 12);  // the same stream each time
    CHECK(p.above == static_cast<int>(with_liars.size()) - p.below);
    proposals.push_back(p.best());
  }
  for (size_t i = 0; i < proposals.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      INFO("proposals " << j << " and " << i);
      CHECK(proposals[i] != proposals[j]);
    }
  }
}

TEST_CASE("tpe: the split puts ceil(0.1 n), at most 25, on the good side, liars never there", "[tpe]") {
  CHECK(tpe_below_count(1, {}) == 1);
  CHECK(tpe_below_count(10, {}) == 1);
  CHECK(tpe_below_count(11, {}) == 2);
  CHECK(tpe_below_count(1000, {}) == 25);
  const std::vector<TpeDimension> dims(1);
  std::vector<TpeObservation> obs{{{0.5}, 1.0}};
  for (int i = 0; i < 20; ++i) obs.push_back(TpeObservation{{0.05 * i}, std::numeric_limits<double>::infinity()});
  const TpeProposal p = tpe_propose(dims, obs, 1, 1);
  CHECK(p.below == 1);  // 21 observations would put 3 below, but only one has a finite value
  CHECK(p.above == 20);
  CHECK_THROWS(tpe_propose(dims, {TpeObservation{{0.5}, std::numeric_limits<double>::infinity()}}, 1, 1));
}

TEST_CASE("tpe: the candidates come ranked by the density ratio, best first", "[tpe]") {
  // One choice of three: l holds category 0, g category 1, each with its prior (weights 1/2, 1/2).
  // l(0) = 1/2 (1 + 1/3)/2 + 1/2 * 1/3 = 1/2 and l(1) = l(2) = 1/4; g likewise with 1 in place of 0:
  // the ratio l/g is 2 at category 0, 1 at 2 and 1/2 at 1, so the ranking is every 0, then 2, then 1.
  const std::vector<TpeDimension> dims{TpeDimension{3}};
  const std::vector<TpeObservation> obs{{{choice_centre(0, 3)}, 0.1}, {{choice_centre(1, 3)}, 0.5}};
  const TpeProposal p = tpe_propose(dims, obs, 11, 3);
  REQUIRE(p.candidates.size() == 24);
  const auto rank = [](int category) { return category == 0 ? 0 : category == 2 ? 1 : 2; };
  std::vector<int> ranks;
  for (const std::vector<double>& x : p.candidates) ranks.push_back(rank(choice_category(x[0], 3)));
  CHECK(std::is_sorted(ranks.begin(), ranks.end()));
  CHECK(ranks.front() == 0);
  CHECK(std::count(ranks.begin(), ranks.end(), 1) > 0);  // c is among them (each draw: 1/2 its own, 1/2 uniform)
}
