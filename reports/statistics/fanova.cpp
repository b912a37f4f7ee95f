// The forest and the functional ANOVA of its mean prediction: the total variance from the integrals of
// each pair of trees' product, the main effects and two-way interactions from the mean's marginals on
// the grid of every tree's cell boundaries.
#include "reports/statistics/fanova.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace bokeh::reports {
namespace {

using Forest = std::vector<std::vector<Leaf>>;

// The share of dimension f's range that [low, high] covers.
double fraction(double low, double high, const std::pair<double, double>& range) {
  return std::max(0.0, high - low) / (range.second - range.first);
}

// The measure of the intersection of two leaves' boxes (the configuration box has measure 1).
double overlap(const Leaf& a, const Leaf& b, const Box& box) {
  double v = 1;
  for (size_t f = 0; f < box.size() && v > 0; ++f)
    v *= fraction(std::max(a.box[f].first, b.box[f].first), std::min(a.box[f].second, b.box[f].second), box[f]);
  return v;
}

// Var of the forest's mean prediction: E[F^2] - E[F]^2, with E[F^2] the mean over pairs of trees of
// the integral of their product.
double forest_variance(const Forest& forest, const Box& box) {
  double mean = 0, square = 0;
  for (size_t s = 0; s < forest.size(); ++s) {
    for (const Leaf& a : forest[s]) mean += a.value * overlap(a, a, box);
    for (size_t t = s; t < forest.size(); ++t) {
      double product = 0;
      for (const Leaf& a : forest[s])
        for (const Leaf& b : forest[t]) product += a.value * b.value * overlap(a, b, box);
      square += (s == t ? 1.0 : 2.0) * product;
    }
  }
  const double trees = static_cast<double>(forest.size());
  mean /= trees;
  return square / (trees * trees) - mean * mean;
}

// The forest mean's marginal over `dims` (one or two): on the grid of every leaf boundary along them,
// each cell weighted by its width, the mean over the other dimensions (uniform) of the prediction.
WeightedGrid marginal_grid(const Forest& forest, const Box& box, const std::vector<size_t>& dims) {
  std::vector<std::vector<double>> edges(dims.size());
  WeightedGrid grid;
  for (size_t k = 0; k < dims.size(); ++k) {
    std::vector<double>& e = edges[k];
    for (const auto& tree : forest)
      for (const Leaf& leaf : tree) e.insert(e.end(), {leaf.box[dims[k]].first, leaf.box[dims[k]].second});
    std::sort(e.begin(), e.end());
    e.erase(std::unique(e.begin(), e.end()), e.end());
    std::vector<double> weights;
    for (size_t c = 0; c + 1 < e.size(); ++c) weights.push_back(fraction(e[c], e[c + 1], box[dims[k]]));
    grid.weights.push_back(std::move(weights));
  }
  // Each leaf adds its weight to a rectangle of cells: at its corners in a difference array, summed
  // up afterwards, so that a leaf costs the same however many cells it covers.
  const size_t rows = grid.weights[0].size(), columns = dims.size() == 2 ? grid.weights[1].size() : 1;
  std::vector<double> corners((rows + 1) * (columns + 1), 0.0);
  const auto index = [&](size_t k, double edge) {
    return static_cast<size_t>(std::lower_bound(edges[k].begin(), edges[k].end(), edge) - edges[k].begin());
  };
  for (const auto& tree : forest) {
    for (const Leaf& leaf : tree) {
      double weight = leaf.value / static_cast<double>(forest.size());
      for (size_t f = 0; f < box.size(); ++f) {
        if (std::find(dims.begin(), dims.end(), f) == dims.end())
          weight *= fraction(leaf.box[f].first, leaf.box[f].second, box[f]);
      }
      const size_t r0 = index(0, leaf.box[dims[0]].first), r1 = index(0, leaf.box[dims[0]].second);
      const size_t c0 = dims.size() == 2 ? index(1, leaf.box[dims[1]].first) : 0;
      const size_t c1 = dims.size() == 2 ? index(1, leaf.box[dims[1]].second) : 1;
      corners[r0 * (columns + 1) + c0] += weight;
      corners[r0 * (columns + 1) + c1] -= weight;
      corners[r1 * (columns + 1) + c0] -= weight;
      corners[r1 * (columns + 1) + c1] += weight;
    }
  }
  grid.values.assign(rows * columns, 0.0);
  std::vector<double> above(columns, 0.0);  // the column sums of the rows above
  for (size_t r = 0; r < rows; ++r) {
    double left = 0;
    for (size_t c = 0; c < columns; ++c) {
      left += corners[r * (columns + 1) + c];
      above[c] += left;
      grid.values[r * columns + c] = above[c];
    }
  }
  return grid;
}

}  // namespace

AnovaShares fanova(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const Box& box,
                   const ForestOptions& options) {
  if (x.size() < 2 || x.size() != y.size()) throw std::invalid_argument("fanova: needs at least 2 rows, one y each");
  for (const auto& [low, high] : box) {
    if (!(low < high)) throw std::invalid_argument("fanova: every dimension needs low < high");
  }
  // Centred, so that the variance is not a difference of two large squares.
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  std::vector<double> centred;
  for (double v : y) centred.push_back(v - mean);
  common::SeededRng rng(options.seed);
  Forest forest;
  for (int t = 0; t < options.trees; ++t) {
    std::vector<size_t> rows(x.size());
    for (size_t& r : rows) r = static_cast<size_t>(rng.below(x.size()));
    forest.push_back(grow_tree_leaves(x, centred, rows, box, options.max_depth, rng));
  }
  const size_t d = box.size();
  AnovaShares out;
  out.main.assign(d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i + 1; j < d; ++j) out.pairs.push_back({{i, j}, 0.0});
  const double total = forest_variance(forest, box);
  if (!(total > 1e-12 * std::accumulate(centred.begin(), centred.end(), 0.0, [](double s, double v) {
                  return s + v * v;
                }) / static_cast<double>(centred.size())))
    return out;  // a constant forest: nothing to attribute
  out.total_variance = total;
  for (size_t i = 0; i < d; ++i) out.main[i] = functional_anova(marginal_grid(forest, box, {i})).total_variance / total;
  for (auto& [pair, share] : out.pairs) {
    const AnovaShares two = functional_anova(marginal_grid(forest, box, {pair.first, pair.second}));
    share = two.pairs.front().second * two.total_variance / total;
  }
  return out;
}

}  // namespace bokeh::reports
