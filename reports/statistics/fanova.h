// fANOVA over a random forest (after Hutter, Hoos and Leyton-Brown 2014, "An Efficient Approach for
// Assessing Hyperparameter Importance"), for sampled searches: a forest of regression trees
// (regression_tree.h) fit to (settings, quality) pairs, and the forest's mean prediction decomposed
// exactly by functional ANOVA over the configuration box (uniform measure: cells weighted by their
// volume). Decomposing the mean rather than averaging each tree's shares lets the trees' cell
// boundaries average out: a tree's own decomposition calls part of an additive effect an interaction
// (its cells are not a product grid), and that part differs from tree to tree. Seeded: the same data
// and seed give the same numbers, bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "reports/statistics/functional_anova.h"
#include "reports/statistics/regression_tree.h"

namespace bokeh::reports {

struct ForestOptions {
  int trees = 64;
  int max_depth = 64;
  uint64_t seed = 0;
};

// x: one row per configuration, one column per dimension; y its quality; box: each dimension's range,
// in the (possibly log-transformed) coordinates of x (a categorical setting coded 0..k-1 has the box
// [-0.5, k - 0.5], so that every category weighs 1/k). Shares as functional_anova() gives them;
// total_variance: the forest's. Needs at least 2 rows.
AnovaShares fanova(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const Box& box,
                   const ForestOptions& options);

}  // namespace bokeh::reports
