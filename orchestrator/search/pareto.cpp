// Non-dominated sorting, exact 2-D and 3-D hypervolume by sweeping, and MO-TPE's ranking (pareto.h).
#include "orchestrator/search/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace bokeh::orchestrator {
namespace {

// The points strictly better than `reference` in every objective.
std::vector<CostVector> inside(const std::vector<CostVector>& points, const CostVector& reference) {
  std::vector<CostVector> out;
  for (const CostVector& p : points) {
    bool in = p.size() == reference.size();
    for (size_t j = 0; in && j < p.size(); ++j) in = p[j] < reference[j];
    if (in) out.push_back(p);
  }
  return out;
}

// 2-D: sorted by the first objective, each point adds the strip below the best second objective so far.
double hypervolume_2d(std::vector<CostVector> points, double ref_x, double ref_y) {
  std::sort(points.begin(), points.end());
  double volume = 0, best_y = ref_y;
  for (const CostVector& p : points) {
    if (p[1] < best_y) {
      volume += (ref_x - p[0]) * (best_y - p[1]);
      best_y = p[1];
    }
  }
  return volume;
}

// 3-D: slabs between consecutive third-objective values, each the 2-D volume of the points at or below it.
double hypervolume_3d(std::vector<CostVector> points, const CostVector& reference) {
  std::sort(points.begin(), points.end(), [](const CostVector& a, const CostVector& b) { return a[2] < b[2]; });
  double volume = 0;
  for (size_t k = 0; k < points.size(); ++k) {
    const double top = k + 1 < points.size() ? points[k + 1][2] : reference[2];
    if (top <= points[k][2]) continue;
    const std::vector<CostVector> below(points.begin(), points.begin() + static_cast<std::ptrdiff_t>(k + 1));
    volume += hypervolume_2d(below, reference[0], reference[1]) * (top - points[k][2]);
  }
  return volume;
}

// Every pair compared: each point's dominated set and its count of dominators, then peeled front by front.
std::vector<std::vector<size_t>> fronts_pairwise(const std::vector<CostVector>& points) {
  const size_t n = points.size();
  std::vector<std::vector<size_t>> dominated(n);  // i -> the points i dominates
  std::vector<size_t> dominators(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = i + 1; k < n; ++k) {
      if (dominates(points[i], points[k])) {
        dominated[i].push_back(k);
        ++dominators[k];
      } else if (dominates(points[k], points[i])) {
        dominated[k].push_back(i);
        ++dominators[i];
      }
    }
  }
  std::vector<std::vector<size_t>> fronts;
  std::vector<size_t> current;
  for (size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) current.push_back(i);
  }
  while (!current.empty()) {
    std::vector<size_t> next;
    for (size_t i : current) {
      for (size_t k : dominated[i]) {
        if (--dominators[k] == 0) next.push_back(k);
      }
    }
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

// Two objectives: in lexicographic order a point's dominators all come before it, and a front dominates it
// exactly when the front's last member (its lowest second cost) does; the fronts that dominate it are a
// prefix (a member of front k+1 is dominated by one of front k), so a binary search finds its front.
std::vector<std::vector<size_t>> fronts_2d(const std::vector<CostVector>& points) {
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  const auto before = [&](size_t a, size_t b) { return points[a] < points[b]; };
  if (!std::is_sorted(order.begin(), order.end(), before)) std::sort(order.begin(), order.end(), before);
  std::vector<std::vector<size_t>> fronts;
  std::vector<std::pair<double, double>> last;  // each front's last member (lexicographically the greatest)
  for (size_t i : order) {
    const std::pair<double, double> p{points[i][0], points[i][1]};
    // A lexicographically smaller or equal point dominates p when its second cost is no greater and it is not p.
    const auto f = std::partition_point(
        last.begin(), last.end(), [&](const std::pair<double, double>& t) { return t.second <= p.second && t != p; });
    const auto k = static_cast<size_t>(f - last.begin());
    if (k == fronts.size()) {
      fronts.push_back({i});
      last.push_back(p);
    } else {
      fronts[k].push_back(i);
      last[k] = p;
    }
  }
  return fronts;
}

}  // namespace

bool dominates(const CostVector& a, const CostVector& b) {
  bool better = false;
  for (size_t j = 0; j < a.size(); ++j) {
    if (a[j] > b[j]) return false;
    better = better || a[j] < b[j];
  }
  return better;
}

std::vector<std::vector<size_t>> nondominated_fronts(const std::vector<CostVector>& points) {
  const bool two =
      !points.empty() && std::all_of(points.begin(), points.end(), [](const CostVector& p) { return p.size() == 2; });
  std::vector<std::vector<size_t>> fronts = two ? fronts_2d(points) : fronts_pairwise(points);
  for (std::vector<size_t>& front : fronts) std::sort(front.begin(), front.end());
  return fronts;
}

double hypervolume(const std::vector<CostVector>& points, const CostVector& reference) {
  if (reference.size() == 2) return hypervolume_2d(inside(points, reference), reference[0], reference[1]);
  if (reference.size() == 3) return hypervolume_3d(inside(points, reference), reference);
  throw std::invalid_argument("hypervolume: 2 or 3 objectives only");
}

std::vector<double> hypervolume_contributions(const std::vector<CostVector>& points, const CostVector& reference) {
  const double all = hypervolume(points, reference);
  std::vector<double> out;
  for (size_t i = 0; i < points.size(); ++i) {
    std::vector<CostVector> others = points;
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(all - hypervolume(others, reference));
  }
  return out;
}

CostVector split_reference(const std::vector<CostVector>& points) {
  const size_t m = points.empty() ? 0 : points.front().size();
  CostVector reference(m, 0);
  for (size_t j = 0; j < m; ++j) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const CostVector& p : points) {
      if (std::isfinite(p[j])) low = std::min(low, p[j]), high = std::max(high, p[j]);
    }
    if (low <= high) reference[j] = high + (high > low ? 0.1 * (high - low) : 1.0);
  }
  return reference;
}

std::vector<double> pareto_rank_values(const std::vector<CostVector>& points, size_t keep) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> values(points.size(), kInf);
  std::vector<size_t> observed;  // the points with a finite cost
  std::vector<CostVector> finite;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::any_of(points[i].begin(), points[i].end(), [](double c) { return std::isfinite(c); })) {
      observed.push_back(i);
      finite.push_back(points[i]);
    }
  }
  const CostVector reference = split_reference(finite);
  size_t position = 0;
  for (std::vector<size_t> front : nondominated_fronts(finite)) {
    if (position < keep && position + front.size() > keep) {
      std::vector<CostVector> members;
      for (size_t f : front) members.push_back(finite[f]);
      const std::vector<double> share = hypervolume_contributions(members, reference);
      std::vector<size_t> order(front.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return share[a] > share[b]; });
      std::vector<size_t> sorted;
      for (size_t o : order) sorted.push_back(front[o]);
      front = std::move(sorted);
    }
    for (size_t f : front) values[observed[f]] = static_cast<double>(position++);
  }
  return values;
}

ParetoRanking epsilon_net_ranking(const std::vector<CostVector>& points, const std::optional<RankingFocus>& focus) {
  const size_t m = points.empty() ? 0 : points.front().size();
  std::vector<double> scaled(points.size() * m);  // point i's objective j at i * m + j
  for (size_t j = 0; j < m; ++j) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const CostVector& p : points) {
      if (std::isfinite(p[j])) low = std::min(low, p[j]), high = std::max(high, p[j]);
    }
    for (size_t i = 0; i < points.size(); ++i) {
      const double c = points[i][j];
      scaled[i * m + j] = !std::isfinite(c) ? 1.0 : high > low ? (c - low) / (high - low) : 0.0;
    }
  }
  const auto distance = [&](size_t a, size_t b) {
    double sum = 0;
    for (size_t j = 0; j < m; ++j)
      sum += (scaled[a * m + j] - scaled[b * m + j]) * (scaled[a * m + j] - scaled[b * m + j]);
    return std::sqrt(sum);
  };
  // Whether the front starting at position `begin` is read in order (see RankingFocus).
  const auto read_in_order = [&](size_t f, size_t begin, const std::vector<size_t>& members) {
    if (!focus || f == 0) return true;
    const size_t end = begin + members.size();
    if (begin < focus->top && end > focus->top) return true;
    return std::any_of(members.begin(), members.end(), [&](size_t i) {
      return i == focus->point || (end <= focus->top && focus->within_top && focus->within_top(i));
    });
  };
  ParetoRanking ranking;
  ranking.front.assign(points.size(), 0);
  const std::vector<std::vector<size_t>> fronts = nondominated_fronts(points);
  std::vector<double> nearest(points.size(), std::numeric_limits<double>::infinity());
  for (size_t f = 0; f < fronts.size(); ++f) {
    std::vector<size_t> left = fronts[f];
    for (size_t i : left) ranking.front[i] = f;
    if (!read_in_order(f, ranking.order.size(), left)) {
      ranking.order.insert(ranking.order.end(), left.begin(), left.end());
      continue;
    }
    // First the best in the first objective, then the farthest from those taken.
    size_t pick = 0;
    for (size_t k = 1; k < left.size(); ++k) {
      if (points[left[k]][0] < points[left[pick]][0]) pick = k;
    }
    while (!left.empty()) {
      const size_t taken = left[pick];
      ranking.order.push_back(taken);
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(pick));
      pick = 0;
      for (size_t k = 0; k < left.size(); ++k) {
        nearest[left[k]] = std::min(nearest[left[k]], distance(left[k], taken));
        if (nearest[left[k]] > nearest[left[pick]]) pick = k;
      }
    }
  }
  return ranking;
}

}  // namespace bokeh::orchestrator
