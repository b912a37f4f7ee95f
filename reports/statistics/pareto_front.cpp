// The non-dominated points, by a pairwise comparison (a sweep has tens to hundreds of configurations).
#include "reports/statistics/pareto_front.h"

#include <algorithm>

namespace bokeh::reports {
namespace {

bool better(double a, double b, bool higher) { return higher ? a > b : a < b; }

}  // namespace

std::vector<size_t> pareto_front(const std::vector<std::pair<double, double>>& points, bool y_higher_better) {
  std::vector<size_t> front;
  for (size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      const auto& [xi, yi] = points[i];
      const auto& [xj, yj] = points[j];
      const bool no_worse = xj <= xi && (yj == yi || better(yj, yi, y_higher_better));
      dominated = no_worse && (xj < xi || better(yj, yi, y_higher_better));
    }
    if (!dominated) front.push_back(i);
  }
  std::stable_sort(front.begin(), front.end(), [&](size_t a, size_t b) {
    if (points[a].first != points[b].first) return points[a].first < points[b].first;
    return better(points[a].second, points[b].second, y_higher_better);
  });
  return front;
}

}  // namespace bokeh::reports
