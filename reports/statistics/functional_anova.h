// Functional ANOVA of a function on a weighted grid (a product of finite levels per dimension, each
// level with a probability weight): the variance of f split into main effects and two-way
// interactions (Sobol/Hoeffding decomposition; Hutter et al. 2014, section 3). Exact: on a full
// factorial grid with equal weights it is the classical ANOVA of the cell means; over a regression
// tree's cells weighted by their widths it is the tree's fANOVA.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace bokeh::reports {

struct WeightedGrid {
  std::vector<std::vector<double>> weights;  // per dimension, per level; each sums to 1
  std::vector<double> values;                // f at each cell, the last dimension fastest
};

struct AnovaShares {
  double total_variance = 0;
  std::vector<double> main;                                         // per dimension: V_i / V
  std::vector<std::pair<std::pair<size_t, size_t>, double>> pairs;  // (i < j): V_ij / V, in (i, j) order
};

// Shares of the total variance; all 0 (never NaN) when f is constant. Throws std::invalid_argument
// when the values do not fill the grid.
AnovaShares functional_anova(const WeightedGrid& grid);

}  // namespace bokeh::reports
