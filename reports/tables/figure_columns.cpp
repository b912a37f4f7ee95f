// Result figures' columns in Tables 1-4 (figure_columns.h).
#include "reports/tables/figure_columns.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "common/result_figures.h"

namespace bokeh::reports {

Column figure_column(const std::string& name, const std::vector<std::optional<double>>& values) {
  const common::ResultFigure& f = *common::find_result_figure(name);
  if (f.format.count) return Column{f.header, CellStyle::General, 0};
  return Column{f.header, CellStyle::Fixed, fit_decimals(values, f.format.decimals, f.format.max_decimals)};
}

Column compared_column(const std::string& name, const std::vector<std::optional<double>>& values) {
  const common::ResultFigure& f = *common::find_result_figure(name);
  return Column{
      common::compared_header(f), CellStyle::Fixed,
      fit_decimals(values, f.format.compared_decimals, std::max(f.format.compared_decimals, f.format.max_decimals))};
}

void add_remaining_figures(Table& t, int64_t number, const std::vector<const RunSummary*>& shown) {
  const bool compared = number == 4;
  std::vector<std::string> added;
  for (const common::ResultFigure& f : common::result_figure_table()) {
    const std::string& header = compared ? common::compared_header(f) : f.header;
    if (std::find(f.tables.begin(), f.tables.end(), number) == f.tables.end() ||
        std::any_of(t.columns.begin(), t.columns.end(), [&](const Column& c) { return c.header == header; }))
      continue;
    std::vector<std::optional<double>> values;
    for (const RunSummary* r : shown) values.push_back(run_figure(*r, f.name));
    const auto state =
        std::find_if(t.columns.begin(), t.columns.end(), [](const Column& c) { return c.header == "State"; });
    const auto at = state - t.columns.begin();
    t.columns.insert(state, compared ? compared_column(f.name, values) : figure_column(f.name, values));
    for (size_t row = 0; row < t.rows.size(); ++row) {
      const std::optional<double> value = row < values.size() ? values[row] : std::nullopt;
      t.rows[row].insert(t.rows[row].begin() + at, value ? Cell{*value} : Cell{});
    }
    added.push_back(f.header);
  }
  if (added.empty()) return;
  t.notes.push_back(
      fmt::format("{}: the test set's focus figures of the best checkpoint, under each pair's focus mask (FG: the "
                  "in-focus region, BG: the background; BG_Blur 0 dB = as blurred as the target; sweeps/README.md).",
                  fmt::join(added, ", ")));
}

}  // namespace bokeh::reports
