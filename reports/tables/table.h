// A report table independent of its output format: titled columns that say how their numbers are
// written, rows of cells (text, number or missing), and footnotes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bokeh::reports {

enum class CellStyle {
  Text,        // strings as they are
  Fixed,       // numbers with `decimals` digits after the point: 0.66, 7.70, 134
  General,     // numbers in the shortest exact form: 1, 0.5, 30
  Scientific,  // numbers as the study writes learning rates: 2e-4, 1.5e-3
};

struct Column {
  std::string header;
  CellStyle style = CellStyle::Text;
  int decimals = 0;     // Fixed only
  bool spread = false;  // repeats: its cells may have a Spread (CSV and JSON then add "<header> std", "<header> n")
};

// A cell that is the mean of repeated runs: the sample standard deviation and the number of values.
struct Spread {
  double std = 0;
  int64_t n = 0;
};

using Cell = std::variant<std::monostate, std::string, double>;  // monostate: missing

struct Table {
  std::string title;
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has one cell per column
  std::vector<std::string> notes;       // footnotes, in order
  std::vector<int64_t> row_runs;        // the run id each row shows (0: not a run, e.g. a published row); may be empty
  std::vector<std::vector<std::optional<Spread>>> spreads;  // empty, or one per row and column
};

// The spread of a cell, when the table has one there.
std::optional<Spread> cell_spread(const Table& table, size_t row, size_t column);

// A cell as markdown and the dashboard show it: cell_text(), and for a mean of repeats its sample
// standard deviation in the same style ("0.163 ± 0.004").
std::optional<std::string> shown_text(const Table& table, size_t row, size_t column);

// A cell as text in its column's style; nullopt when missing. Numbers in a Text column and text in
// a number column are written as they are.
std::optional<std::string> cell_text(const Column& column, const Cell& cell);

// The least number of decimals in [min_decimals, max_decimals] at which no nonzero value prints as
// zero (the study's precision, widened only where small values would otherwise collapse to 0.00).
int fit_decimals(const std::vector<std::optional<double>>& values, int min_decimals, int max_decimals);

}  // namespace bokeh::reports
