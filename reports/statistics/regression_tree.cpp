// Growing a regression tree (random feature per split, best midpoint by squared error) and reading
// it back as leaf boxes.
#include "reports/statistics/regression_tree.h"

#include <algorithm>
#include <numeric>

namespace bokeh::reports {
namespace {

class TreeGrower {
 public:
  TreeGrower(const std::vector<std::vector<double>>& x, const std::vector<double>& y, int max_depth,
             common::SeededRng& rng)
      : x_(x), y_(y), max_depth_(max_depth), rng_(rng) {}

  // Splits `rows` (inside `box`) until they are single-valued in y or in x, adding the leaves.
  void grow(const std::vector<size_t>& rows, const Box& box, int depth, std::vector<Leaf>& leaves) {
    double sum = 0;
    for (size_t r : rows) sum += y_[r];
    const double mean = sum / static_cast<double>(rows.size());
    double squares = 0;
    for (size_t r : rows) squares += (y_[r] - mean) * (y_[r] - mean);
    if (depth < max_depth_ && squares > 0) {
      std::vector<size_t> features(x_.front().size());
      std::iota(features.begin(), features.end(), size_t{0});
      for (size_t k = features.size(); k > 1; --k) std::swap(features[k - 1], features[rng_.below(k)]);
      for (size_t f : features) {
        double threshold = 0;
        if (!best_split(rows, f, sum, squares, threshold)) continue;
        std::vector<size_t> left, right;
        for (size_t r : rows) (x_[r][f] <= threshold ? left : right).push_back(r);
        Box left_box = box, right_box = box;
        left_box[f].second = std::clamp(threshold, box[f].first, box[f].second);
        right_box[f].first = left_box[f].second;
        grow(left, left_box, depth + 1, leaves);
        grow(right, right_box, depth + 1, leaves);
        return;
      }
    }
    leaves.push_back({box, mean});
  }

 private:
  // The midpoint between neighbouring values of feature f that reduces the squared error most; false
  // when f has one value here or no split reduces the error.
  bool best_split(const std::vector<size_t>& rows, size_t f, double sum, double squares, double& threshold) const {
    std::vector<size_t> order = rows;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return x_[a][f] != x_[b][f] ? x_[a][f] < x_[b][f] : a < b; });
    double best = squares * (1 - 1e-12);  // a split must reduce the error
    bool found = false;
    double left_sum = 0;
    const double n = static_cast<double>(order.size());
    for (size_t i = 0; i + 1 < order.size(); ++i) {
      left_sum += y_[order[i]];
      if (x_[order[i]][f] == x_[order[i + 1]][f]) continue;
      const double nl = static_cast<double>(i + 1), nr = n - nl, right_sum = sum - left_sum;
      // The error after the split: the total squares less what the two means explain.
      const double sse = squares + sum * sum / n - left_sum * left_sum / nl - right_sum * right_sum / nr;
      if (sse < best) {
        best = sse;
        found = true;
        threshold = 0.5 * (x_[order[i]][f] + x_[order[i + 1]][f]);
      }
    }
    return found;
  }

  const std::vector<std::vector<double>>& x_;
  const std::vector<double>& y_;
  const int max_depth_;
  common::SeededRng& rng_;
};

}  // namespace

std::vector<Leaf> grow_tree_leaves(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                                   const std::vector<size_t>& rows, const Box& box, int max_depth,
                                   common::SeededRng& rng) {
  std::vector<Leaf> leaves;
  TreeGrower(x, y, max_depth, rng).grow(rows, box, 0, leaves);
  return leaves;
}

}  // namespace bokeh::reports
