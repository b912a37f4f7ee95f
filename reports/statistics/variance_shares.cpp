// The exact and the forest's variance shares, each with its bootstrap: the resamples' flat shares,
// then each term's percentile interval.
#include "reports/statistics/variance_shares.h"

#include <algorithm>
#include <cmath>

namespace bokeh::reports {
namespace {

std::pair<double, double> percentile_interval(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    const double pos = q * static_cast<double>(values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  return {at(0.025), at(0.975)};
}

// Each term's interval over `draws` (per resample, the flat shares).
std::vector<std::pair<double, double>> intervals(const std::vector<std::vector<double>>& draws) {
  std::vector<std::pair<double, double>> out;
  for (size_t t = 0; !draws.empty() && t < draws.front().size(); ++t) {
    std::vector<double> values;
    for (const auto& d : draws) values.push_back(d[t]);
    out.push_back(percentile_interval(values));
  }
  return out;
}

AnovaShares grid_anova(const std::vector<size_t>& levels, const std::vector<size_t>& cells,
                       const std::vector<std::vector<double>>& values) {
  WeightedGrid grid;
  size_t count = 1;
  for (size_t n : levels) {
    grid.weights.emplace_back(n, 1.0 / static_cast<double>(n));
    count *= n;
  }
  grid.values.assign(count, 0.0);
  for (size_t s = 0; s < cells.size(); ++s) {
    double sum = 0;
    for (double v : values[s]) sum += v;
    grid.values[cells[s]] = sum / static_cast<double>(values[s].size());
  }
  return functional_anova(grid);
}

}  // namespace

std::vector<double> flat_shares(const AnovaShares& shares) {
  std::vector<double> out = shares.main;
  for (const auto& p : shares.pairs) out.push_back(p.second);
  return out;
}

VarianceShares grid_variance_shares(const std::vector<size_t>& levels, const std::vector<size_t>& cells,
                                    const std::vector<std::vector<double>>& values, int bootstrap,
                                    common::SeededRng& rng) {
  VarianceShares result{grid_anova(levels, cells, values), {}};
  const bool repeated =
      std::any_of(values.begin(), values.end(), [](const std::vector<double>& v) { return v.size() > 1; });
  if (!repeated) return result;
  std::vector<std::vector<double>> draws;
  for (int b = 0; b < bootstrap; ++b) {
    std::vector<std::vector<double>> drawn;
    for (const std::vector<double>& cell : values) {
      std::vector<double> resample;
      for (size_t i = 0; i < cell.size(); ++i) resample.push_back(cell[rng.below(cell.size())]);
      drawn.push_back(std::move(resample));
    }
    draws.push_back(flat_shares(grid_anova(levels, cells, drawn)));
  }
  result.intervals = intervals(draws);
  return result;
}

VarianceShares forest_variance_shares(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                                      const Box& box, int trees, int bootstrap, int bootstrap_trees,
                                      common::SeededRng& rng) {
  ForestOptions forest;
  forest.trees = trees;
  forest.seed = rng.next();
  VarianceShares result{fanova(x, y, box, forest), {}};
  std::vector<std::vector<double>> draws;
  for (int b = 0; b < bootstrap; ++b) {
    std::vector<std::vector<double>> bx;
    std::vector<double> by;
    for (size_t i = 0; i < x.size(); ++i) {
      const size_t pick = rng.below(x.size());
      bx.push_back(x[pick]);
      by.push_back(y[pick]);
    }
    ForestOptions resample = forest;
    resample.trees = bootstrap_trees;
    resample.seed = rng.next();
    draws.push_back(flat_shares(fanova(bx, by, box, resample)));
  }
  result.intervals = intervals(draws);
  return result;
}

}  // namespace bokeh::reports
