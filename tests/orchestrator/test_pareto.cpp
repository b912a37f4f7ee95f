// Pareto geometry (orchestrator/search/pareto.h) on hand-made point sets: non-dominated sorting with a
// duplicate, the 2-D and 3-D hypervolume and each point's contribution against hand-computed areas and
// volumes, and MO-TPE's ranking (the front the split cuts ordered by contribution; a trial in flight last);
// on random point sets with ties and +inf, the fast 2-D sorting against a rank peeled by hand here, and
// MO-ASHA's focused ranking against the full one wherever a decision reads it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "orchestrator/search/pareto.h"

using namespace bokeh::orchestrator;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// a, b, c: a front; d dominated by b (and by f, b's duplicate); e dominated by a and d.
const std::vector<CostVector> kPoints{{1, 5}, {2, 3}, {4, 1}, {3, 4}, {5, 5}, {2, 3}};
}  // namespace

TEST_CASE("non-dominated sorting: fronts in rank order, a duplicate on its twin's front", "[pareto]") {
  CHECK(dominates({1, 2}, {1, 3}));
  CHECK_FALSE(dominates({1, 3}, {1, 3}));
  CHECK_FALSE(dominates({1, 3}, {2, 2}));
  const std::vector<std::vector<size_t>> fronts = nondominated_fronts(kPoints);
  REQUIRE(fronts.size() == 3);
  CHECK(fronts[0] == std::vector<size_t>{0, 1, 2, 5});
  CHECK(fronts[1] == std::vector<size_t>{3});
  CHECK(fronts[2] == std::vector<size_t>{4});
  CHECK(nondominated_fronts({}).empty());
}

TEST_CASE("hypervolume and contributions: 2-D areas and 3-D volumes by hand", "[pareto]") {
  // Against (6, 6): the boxes of (1,5), (2,3), (4,1) cover 5 + 8 + 4 = 17; a dominated point adds nothing.
  const std::vector<CostVector> front{{1, 5}, {2, 3}, {4, 1}};
  CHECK(hypervolume(front, {6, 6}) == Approx(17));
  CHECK(hypervolume({{1, 5}, {2, 3}, {4, 1}, {3, 4}}, {6, 6}) == Approx(17));
  CHECK(hypervolume({{7, 1}, {1, kInf}}, {6, 6}) == 0);  // outside the reference box
  // Each one's own: [1,2]x[5,6], [2,4]x[3,5], [4,6]x[1,3].
  const std::vector<double> share = hypervolume_contributions(front, {6, 6});
  CHECK(share[0] == Approx(1));
  CHECK(share[1] == Approx(4));
  CHECK(share[2] == Approx(4));
  // 3-D against (2, 2, 2): one unit cube; then boxes of 2 and 4 overlapping in 1.
  CHECK(hypervolume({{1, 1, 1}}, {2, 2, 2}) == Approx(1));
  CHECK(hypervolume({{0, 1, 1}, {1, 0, 0}}, {2, 2, 2}) == Approx(5));
  const std::vector<double> share3 = hypervolume_contributions({{0, 1, 1}, {1, 0, 0}}, {2, 2, 2});
  CHECK(share3[0] == Approx(1));
  CHECK(share3[1] == Approx(3));
  CHECK_THROWS_AS(hypervolume({{1}}, {2}), std::invalid_argument);
}

TEST_CASE("MO-TPE's ranking: fronts first, the cut front by hypervolume contribution, in-flight trials last",
          "[pareto][tpe]") {
  // Finite points a(1,5) b(2,3) c(4,1) d(3,4): reference (4 + 0.3, 5 + 0.4). Within the front a, b, c the
  // contributions are a: 1 x 0.4, b: 2 x 2, c: 0.3 x 2; d is on the second front; the liar is last.
  const std::vector<CostVector> points{{1, 5}, {2, 3}, {4, 1}, {3, 4}, {kInf, kInf}};
  const CostVector reference = split_reference(points);
  CHECK(reference[0] == Approx(4.3));
  CHECK(reference[1] == Approx(5.4));
  CHECK(pareto_rank_values(points, 2) == std::vector<double>{2, 0, 1, 3, kInf});
  // A split that cuts no front keeps each front in index order.
  CHECK(pareto_rank_values(points, 3) == std::vector<double>{0, 1, 2, 3, kInf});
  CHECK(pareto_rank_values(points, 4) == std::vector<double>{0, 1, 2, 3, kInf});
  // Equal finite costs: the reference lies one above them.
  CHECK(split_reference({{2, 2}, {2, 2}}) == CostVector{3, 3});
}

TEST_CASE("MO-ASHA's ranking: fronts in rank order, each a greedy ε-net from the best first objective", "[pareto]") {
  // Scaled by 10 in both objectives. Front 0: p0 first (lowest first cost); farthest from it p2 (1.41, against
  // p3's 0.71 and p1's 0.14); then p3 (0.71 from both) before p1 (0.14 from p0). p4 is dominated by p3.
  const std::vector<CostVector> points{{0, 10}, {1, 9}, {10, 0}, {5, 5}, {6, 6}};
  const ParetoRanking ranking = epsilon_net_ranking(points);
  CHECK(ranking.order == std::vector<size_t>{0, 2, 3, 1, 4});
  CHECK(ranking.front == std::vector<size_t>{0, 0, 0, 0, 1});
}

namespace {

// Each point's non-domination rank by the definition: peel the points no remaining point dominates.
std::vector<size_t> peeled_ranks(const std::vector<CostVector>& points) {
  std::vector<size_t> rank(points.size(), 0);
  std::vector<bool> left(points.size(), true);
  for (size_t r = 0, remaining = points.size(); remaining > 0; ++r) {
    std::vector<size_t> front;
    for (size_t i = 0; i < points.size(); ++i) {
      bool free = left[i];
      for (size_t k = 0; free && k < points.size(); ++k) free = !(left[k] && dominates(points[k], points[i]));
      if (free) front.push_back(i);
    }
    for (size_t i : front) rank[i] = r, left[i] = false;
    remaining -= front.size();
  }
  return rank;
}

// Points of `m` costs from a few levels (ties in every objective), some +inf.
std::vector<CostVector> random_points(std::mt19937& rng, size_t n, size_t m) {
  std::uniform_int_distribution<int> level(0, 6), coin(0, 9);
  std::vector<CostVector> points(n, CostVector(m));
  for (CostVector& p : points) {
    for (double& c : p) c = coin(rng) == 0 ? kInf : level(rng) * 0.5;
  }
  return points;
}

size_t position_of(const ParetoRanking& ranking, size_t point) {
  return static_cast<size_t>(std::find(ranking.order.begin(), ranking.order.end(), point) - ranking.order.begin());
}

}  // namespace

TEST_CASE("non-dominated sorting on random sets with ties and +inf equals the rank peeled by definition", "[pareto]") {
  std::mt19937 rng(7);
  for (size_t m : {2, 3}) {
    for (int round = 0; round < 200; ++round) {
      const std::vector<CostVector> points = random_points(rng, 1 + static_cast<size_t>(round % 40), m);
      const std::vector<size_t> expected = peeled_ranks(points);
      const std::vector<std::vector<size_t>> fronts = nondominated_fronts(points);
      std::vector<size_t> rank(points.size(), points.size());
      for (size_t f = 0; f < fronts.size(); ++f) {
        CHECK(std::is_sorted(fronts[f].begin(), fronts[f].end()));
        for (size_t i : fronts[f]) rank[i] = f;
      }
      CHECK(rank == expected);
    }
  }
}

TEST_CASE("MO-ASHA's focused ranking equals the full re-sort wherever a decision reads it", "[pareto]") {
  std::mt19937 rng(11);
  for (size_t m : {2, 3}) {
    for (int round = 0; round < 300; ++round) {
      const size_t n = 1 + static_cast<size_t>(round % 60);
      const std::vector<CostVector> points = random_points(rng, n, m);
      std::vector<bool> stopped(n);
      for (size_t i = 0; i < n; ++i) stopped[i] = std::uniform_int_distribution<int>(0, 2)(rng) == 0;
      const RankingFocus focus{n / 3, std::uniform_int_distribution<size_t>(0, n - 1)(rng),
                               [&](size_t i) { return static_cast<bool>(stopped[i]); }};
      const ParetoRanking full = epsilon_net_ranking(points);
      const ParetoRanking focused = epsilon_net_ranking(points, focus);
      CHECK(focused.front == full.front);
      CHECK(focused.order.front() == full.order.front());
      std::vector<size_t> top_full(full.order.begin(), full.order.begin() + static_cast<std::ptrdiff_t>(focus.top));
      std::vector<size_t> top_focused(focused.order.begin(),
                                      focused.order.begin() + static_cast<std::ptrdiff_t>(focus.top));
      std::sort(top_full.begin(), top_full.end());
      std::sort(top_focused.begin(), top_focused.end());
      CHECK(top_focused == top_full);
      CHECK(position_of(focused, *focus.point) == position_of(full, *focus.point));
      for (size_t i = 0; i < n; ++i) {
        if (stopped[i] && position_of(full, i) < focus.top) CHECK(position_of(focused, i) == position_of(full, i));
      }
      // The order of the first front and of the front the top cuts is the full one's.
      for (size_t k = 0; k < n; ++k) {
        const size_t f = full.front[full.order[k]];
        const bool cut = k < focus.top && focus.top < n && full.front[full.order[focus.top]] == f &&
                         full.front[full.order[focus.top - 1]] == f;
        if (f == 0 || cut) CHECK(focused.order[k] == full.order[k]);
      }
    }
  }
}
