// The Pareto front of points (cost, quality): lower cost is better, the quality's direction is the
// caller's. `report --pareto` (reports/tables/pareto.h) puts a sweep's configurations through it.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace bokeh::reports {

// Indices of the points no other point dominates (another is at least as good in both and better in
// one), sorted by x, then by y best first, then by index. Equal points do not dominate each other:
// duplicates are all on the front.
std::vector<size_t> pareto_front(const std::vector<std::pair<double, double>>& points, bool y_higher_better);

}  // namespace bokeh::reports
