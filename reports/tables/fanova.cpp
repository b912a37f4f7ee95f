// Random forest regression (bootstrap samples, every feature tried at each split, variance
// reduction, split at midpoints) and the per-tree functional ANOVA of fANOVA.
#include "reports/tables/fanova.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace bokeh::reports {
namespace {

struct Node {
  int feature = -1;      // -1: a leaf
  double threshold = 0;  // x[feature] <= threshold goes left
  int left = -1, right = -1;
  double value = 0;  // leaf: the mean of its samples
};

class Tree {
 public:
  Tree(const std::vector<std::vector<double>>& x, const std::vector<double>& y, std::vector<size_t> rows,
       const ForestOptions& options)
      : x_(x), y_(y), options_(options) {
    grow(rows, 0);
  }

  double predict(const std::vector<double>& point) const {
    int at = 0;
    while (nodes_[at].feature >= 0)
      at = point[nodes_[at].feature] <= nodes_[at].threshold ? nodes_[at].left : nodes_[at].right;
    return nodes_[at].value;
  }

  // The thresholds the tree splits feature f at, sorted, without repeats.
  std::vector<double> thresholds(int f) const {
    std::vector<double> out;
    for (const Node& n : nodes_) {
      if (n.feature == f) out.push_back(n.threshold);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  int grow(std::vector<size_t>& rows, int depth) {
    const int id = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    double sum = 0;
    for (size_t r : rows) sum += y_[r];
    nodes_[id].value = sum / static_cast<double>(rows.size());
    if (depth >= options_.max_depth || static_cast<int>(rows.size()) < options_.min_samples_split) return id;
    int best_feature = -1;
    double best_threshold = 0, best_sse = 0;
    {
      double squares = 0;
      for (size_t r : rows) squares += (y_[r] - nodes_[id].value) * (y_[r] - nodes_[id].value);
      best_sse = squares * (1 - 1e-12);  // a split must reduce the error
      if (squares <= 0) return id;
    }
    const size_t features = x_.front().size();
    std::vector<size_t> order = rows;
    for (size_t f = 0; f < features; ++f) {
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return x_[a][f] != x_[b][f] ? x_[a][f] < x_[b][f] : a < b; });
      double left_sum = 0, left_squares = 0, total_squares = 0;
      for (size_t r : order) total_squares += y_[r] * y_[r];
      for (size_t i = 0; i + 1 < order.size(); ++i) {
        const double v = y_[order[i]];
        left_sum += v;
        left_squares += v * v;
        if (x_[order[i]][f] == x_[order[i + 1]][f]) continue;
        const double nl = static_cast<double>(i + 1), nr = static_cast<double>(order.size() - i - 1);
        const double right_sum = sum - left_sum;
        const double sse =
            (left_squares - left_sum * left_sum / nl) + (total_squares - left_squares - right_sum * right_sum / nr);
        if (sse < best_sse) {
          best_sse = sse;
          best_feature = static_cast<int>(f);
          best_threshold = 0.5 * (x_[order[i]][f] + x_[order[i + 1]][f]);
        }
      }
    }
    if (best_feature < 0) return id;
    std::vector<size_t> left, right;
    for (size_t r : rows) (x_[r][best_feature] <= best_threshold ? left : right).push_back(r);
    nodes_[id].feature = best_feature;
    nodes_[id].threshold = best_threshold;
    const int l = grow(left, depth + 1);
    nodes_[id].left = l;
    const int r = grow(right, depth + 1);
    nodes_[id].right = r;
    return id;
  }

  const std::vector<std::vector<double>>& x_;
  const std::vector<double>& y_;
  const ForestOptions& options_;
  std::vector<Node> nodes_;
};

// The tree's prediction on the grid of its own cells: per dimension the intervals between its
// thresholds inside the box, weighted by their widths, evaluated at their midpoints.
WeightedGrid tree_grid(const Tree& tree, const Box& box) {
  const size_t d = box.size();
  WeightedGrid grid;
  std::vector<std::vector<double>> mids(d);
  for (size_t f = 0; f < d; ++f) {
    const auto [low, high] = box[f];
    std::vector<double> edges = {low};
    for (double t : tree.thresholds(static_cast<int>(f))) {
      if (t > low && t < high) edges.push_back(t);
    }
    edges.push_back(high);
    std::vector<double> weights;
    for (size_t k = 0; k + 1 < edges.size(); ++k) {
      weights.push_back((edges[k + 1] - edges[k]) / (high - low));
      mids[f].push_back(0.5 * (edges[k] + edges[k + 1]));
    }
    grid.weights.push_back(std::move(weights));
  }
  size_t cells = 1;
  for (const auto& m : mids) cells *= m.size();
  grid.values.reserve(cells);
  std::vector<size_t> at(d, 0);
  std::vector<double> point(d);
  for (size_t c = 0; c < cells; ++c) {
    for (size_t f = 0; f < d; ++f) point[f] = mids[f][at[f]];
    grid.values.push_back(tree.predict(point));
    size_t k = d;
    while (k > 0 && ++at[k - 1] == mids[k - 1].size()) at[--k] = 0;
  }
  return grid;
}

}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

AnovaShares fanova(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const Box& box,
                   const ForestOptions& options) {
  if (x.size() < 2 || x.size() != y.size()) throw std::invalid_argument("fanova: needs at least 2 rows, one y each");
  for (const auto& [low, high] : box) {
    if (!(low < high)) throw std::invalid_argument("fanova: every dimension needs low < high");
  }
  const size_t d = box.size();
  AnovaShares mean;
  mean.main.assign(d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i + 1; j < d; ++j) mean.pairs.push_back({{i, j}, 0.0});
  uint64_t state = options.seed;
  int used = 0;
  for (int t = 0; t < options.trees; ++t) {
    std::vector<size_t> rows(x.size());
    for (size_t& r : rows) r = static_cast<size_t>(splitmix64(state) % x.size());
    const Tree tree(x, y, rows, options);
    const AnovaShares shares = functional_anova(tree_grid(tree, box));
    if (shares.total_variance <= 0) continue;  // a tree without a split says nothing about importance
    ++used;
    mean.total_variance += shares.total_variance;
    for (size_t i = 0; i < d; ++i) mean.main[i] += shares.main[i];
    for (size_t p = 0; p < mean.pairs.size(); ++p) mean.pairs[p].second += shares.pairs[p].second;
  }
  if (used == 0) return mean;
  mean.total_variance /= used;
  for (double& m : mean.main) m /= used;
  for (auto& p : mean.pairs) p.second /= used;
  return mean;
}

}  // namespace bokeh::reports
