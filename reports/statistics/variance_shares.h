// A figure's variance across configurations split among their settings (main effects) and pairs of
// them, with 95% bootstrap intervals: exactly on a full factorial grid (functional_anova.h), by fANOVA
// over a random forest on a sample of the space (fanova.h). `report --importance`
// (reports/tables/importance.h) puts a sweep's configurations through it.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "common/seeded_rng.h"
#include "reports/statistics/fanova.h"
#include "reports/statistics/functional_anova.h"

namespace bokeh::reports {

struct VarianceShares {
  AnovaShares estimate;
  // Per term in flat_shares' order: the 2.5 and 97.5 percentiles over the resamples; empty without any.
  std::vector<std::pair<double, double>> intervals;
};

// The shares as a flat list: mains (per dimension), then pairs in (i, j) order.
std::vector<double> flat_shares(const AnovaShares& shares);

// A full factorial grid of `levels` levels per dimension, every level weighted equally: configuration
// s is cell cells[s] (the last dimension fastest; one configuration per cell) with its repeats'
// figures values[s], the cell's value their mean. With repeats (a cell with more than one), the
// intervals come from `bootstrap` resamples of each cell's repeats, drawn from `rng`.
VarianceShares grid_variance_shares(const std::vector<size_t>& levels, const std::vector<size_t>& cells,
                                    const std::vector<std::vector<double>>& values, int bootstrap,
                                    common::SeededRng& rng);

// A sample of the space: fANOVA over a forest of `trees` trees fit to (x, y) in `box` (fanova.h); the
// intervals come from `bootstrap` resamples of the rows, a forest of `bootstrap_trees` trees each.
// The rows drawn and the forests' seeds come from `rng`.
VarianceShares forest_variance_shares(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                                      const Box& box, int trees, int bootstrap, int bootstrap_trees,
                                      common::SeededRng& rng);

}  // namespace bokeh::reports
