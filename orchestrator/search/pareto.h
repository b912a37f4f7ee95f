// Pareto geometry over cost vectors (lower is better in every objective) for the multi-objective search:
// non-dominated sorting into fronts, the exact hypervolume of a point set against a reference point (2 or 3
// objectives), each point's exclusive contribution to it, and the order MO-TPE splits its observations by
// (Ozaki et al. 2022): front by front, the front the split cuts ordered by hypervolume contribution; and the
// order MO-ASHA promotes by (fronts, each as an ε-net). See
// sweeps/README.md, "Several objectives".
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace bokeh::orchestrator {

using CostVector = std::vector<double>;

// Whether `a` dominates `b`: no worse in every objective and better in one.
bool dominates(const CostVector& a, const CostVector& b);

// The indices of `points` by non-domination rank: front 0 is the points no other dominates, front k those
// dominated only by fronts below k; each front in index order. Two objectives: O(n log n) (sorted, each point
// onto the first front whose last member does not dominate it); more: every pair compared.
std::vector<std::vector<size_t>> nondominated_fronts(const std::vector<CostVector>& points);

// The volume dominated by `points` and bounded by `reference` (2 or 3 objectives; a point not better than the
// reference in every objective adds nothing). Throws std::invalid_argument for another dimension.
double hypervolume(const std::vector<CostVector>& points, const CostVector& reference);

// Each point's exclusive share of hypervolume(points, reference): the volume lost without it.
std::vector<double> hypervolume_contributions(const std::vector<CostVector>& points, const CostVector& reference);

// The reference point the split measures contributions against: per objective, the worst finite cost
// plus a tenth of the finite costs' range (plus 1 where they are all equal); 0 where none is finite.
CostVector split_reference(const std::vector<CostVector>& points);

// A value per point whose ascending order is MO-TPE's ranking, so that the best `keep` form the good side:
// the fronts in rank order, each in index order, except the front that the first `keep` cut, which is
// ordered by hypervolume contribution within that front (largest first, ties in index order). A point with
// every cost +inf (a trial in flight: dominated by every observation) gets +inf.
std::vector<double> pareto_rank_values(const std::vector<CostVector>& points, size_t keep);

// MO-ASHA's ranking of the runs recorded at a rung (Schmucker et al. 2021): the fronts in rank order, each
// ordered as a greedy ε-net in the costs scaled to [0, 1] per objective (over the finite costs; +inf as 1):
// first the member best in the first objective, then each time the member farthest (Euclidean) from those
// already taken; ties to the lower index.
struct ParetoRanking {
  std::vector<size_t> order;  // point indices, best first
  std::vector<size_t> front;  // each point's front (0: non-dominated)
};
// What a decision reads of that ranking, so that only those fronts are ordered as ε-nets (each costs the
// square of its size): every point's front, which points hold the first `top` positions, the first point,
// the position of `point`, and the positions below `top` of the points in `within_top`. Fronts that hold
// none of these keep index order; everything named here equals the full ranking's (tests/orchestrator/test_pareto).
struct RankingFocus {
  size_t top = 0;
  std::optional<size_t> point;
  std::function<bool(size_t)> within_top;  // asked only of the points of fronts that begin below `top` (empty: none)
};
ParetoRanking epsilon_net_ranking(const std::vector<CostVector>& points,
                                  const std::optional<RankingFocus>& focus = std::nullopt);

}  // namespace bokeh::orchestrator
