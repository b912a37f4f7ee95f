// fANOVA over a random forest (Hutter, Hoos and Leyton-Brown 2014, "An Efficient Approach for
// Assessing Hyperparameter Importance"), for sampled searches: a forest of regression trees fit to
// (settings, quality) pairs, each tree's piecewise-constant prediction decomposed exactly by
// functional ANOVA over the configuration box (uniform measure: each tree's cells weighted by their
// widths), the variance shares averaged over the trees with any variance. Seeded: the same data and
// seed give the same numbers, bit for bit.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "reports/tables/functional_anova.h"

namespace bokeh::reports {

struct ForestOptions {
  int trees = 64;  // as Optuna's FanovaImportanceEvaluator (n_trees=64, max_depth=64)
  int max_depth = 64;
  int min_samples_split = 2;
  uint64_t seed = 0;
};

// Each dimension's range [low, high] (low < high): the box the settings were drawn from, in the
// (possibly log-transformed) coordinates of x. A categorical setting is coded 0..k-1 with the box
// [-0.5, k - 0.5], so that every category weighs 1/k.
using Box = std::vector<std::pair<double, double>>;

// x: one row per configuration, one column per dimension; y its quality. Shares as functional_anova()
// gives them, averaged over the trees (total_variance: their mean). Needs at least 2 rows.
AnovaShares fanova(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const Box& box,
                   const ForestOptions& options);

// The 64-bit mixer the forest's bootstrap draws from (splitmix64).
uint64_t splitmix64(uint64_t& state);

}  // namespace bokeh::reports
