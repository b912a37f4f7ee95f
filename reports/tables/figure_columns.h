// A result figure's column in Tables 1-4 (common/result_figures.h: its header and how its numbers are
// written), and the columns a table takes from the figure table alone: its figures that it has no fixed
// column of (the test set's focus figures in Tables 3 and 4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/tables/run_summary.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// Its column as Tables 1-3 show it: its header, fixed decimals in its range of `values`, or a count.
Column figure_column(const std::string& name, const std::vector<std::optional<double>>& values);

// Its column as Table 4 compares runs with published results: its direction marked, at least the
// decimals of a comparison.
Column compared_column(const std::string& name, const std::vector<std::optional<double>>& values);

// The figures of table `number` (ResultFigure::tables) that `table` has no column of yet: a column each
// before State (Table 4's compared), a cell per row, the rows of `shown` first ("–" where a row lacks it:
// an older run's results, a published result), and a note naming them.
void add_remaining_figures(Table& table, int64_t number, const std::vector<const RunSummary*>& shown);

}  // namespace bokeh::reports
