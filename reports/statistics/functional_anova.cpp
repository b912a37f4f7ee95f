// Functional ANOVA on a weighted grid: conditional means by one and two dimensions, their effects'
// variances over the total.
#include "reports/statistics/functional_anova.h"

#include <stdexcept>

namespace bokeh::reports {

AnovaShares functional_anova(const WeightedGrid& grid) {
  const size_t d = grid.weights.size();
  size_t cells = 1;
  for (const auto& w : grid.weights) cells *= w.size();
  if (cells != grid.values.size() || d == 0)
    throw std::invalid_argument("functional_anova: values do not fill the grid");

  // One pass: f0, E[f | x_i = k] and E[f | x_i = k, x_j = l] as weighted sums, divided by the
  // margins' weights afterwards (the grid's measure is a product, so these are conditional means).
  double f0 = 0;
  std::vector<std::vector<double>> by_one(d);
  for (size_t i = 0; i < d; ++i) by_one[i].assign(grid.weights[i].size(), 0.0);
  std::vector<std::vector<std::vector<double>>> by_two(d, std::vector<std::vector<double>>(d));
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i + 1; j < d; ++j) by_two[i][j].assign(grid.weights[i].size() * grid.weights[j].size(), 0.0);
  std::vector<size_t> at(d, 0);
  for (size_t c = 0; c < cells; ++c) {
    double w = 1;
    for (size_t i = 0; i < d; ++i) w *= grid.weights[i][at[i]];
    const double wf = w * grid.values[c];
    f0 += wf;
    for (size_t i = 0; i < d; ++i) {
      by_one[i][at[i]] += wf;
      for (size_t j = i + 1; j < d; ++j) by_two[i][j][at[i] * grid.weights[j].size() + at[j]] += wf;
    }
    size_t k = d;  // odometer, last dimension fastest
    while (k > 0 && ++at[k - 1] == grid.weights[k - 1].size()) at[--k] = 0;
  }
  double total = 0;
  {
    std::vector<size_t> idx(d, 0);
    for (size_t c = 0; c < cells; ++c) {
      double w = 1;
      for (size_t i = 0; i < d; ++i) w *= grid.weights[i][idx[i]];
      total += w * (grid.values[c] - f0) * (grid.values[c] - f0);
      size_t k = d;
      while (k > 0 && ++idx[k - 1] == grid.weights[k - 1].size()) idx[--k] = 0;
    }
  }

  AnovaShares out;
  out.total_variance = total;
  std::vector<std::vector<double>> effect(d);  // main effects f_i(k) = E[f | x_i = k] - f0
  for (size_t i = 0; i < d; ++i) {
    double v = 0;
    for (size_t k = 0; k < by_one[i].size(); ++k) {
      const double w = grid.weights[i][k];
      effect[i].push_back(w > 0 ? by_one[i][k] / w - f0 : 0.0);
      v += w * effect[i][k] * effect[i][k];
    }
    out.main.push_back(total > 0 ? v / total : 0.0);
  }
  for (size_t i = 0; i < d; ++i) {
    for (size_t j = i + 1; j < d; ++j) {
      double v = 0;
      const size_t nj = grid.weights[j].size();
      for (size_t k = 0; k < grid.weights[i].size(); ++k) {
        for (size_t l = 0; l < nj; ++l) {
          const double w = grid.weights[i][k] * grid.weights[j][l];
          if (w <= 0) continue;
          const double e = by_two[i][j][k * nj + l] / w - effect[i][k] - effect[j][l] - f0;
          v += w * e * e;
        }
      }
      out.pairs.push_back({{i, j}, total > 0 ? v / total : 0.0});
    }
  }
  return out;
}

}  // namespace bokeh::reports
