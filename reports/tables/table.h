// A report table independent of its output format: titled columns that say how their numbers are
// written, rows of cells (text, number or missing), and footnotes.
#pragma once

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
  int decimals = 0;  // Fixed only
};

using Cell = std::variant<std::monostate, std::string, double>;  // monostate: missing

struct Table {
  std::string title;
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has one cell per column
  std::vector<std::string> notes;       // footnotes, in order
};

// A cell as text in its column's style; nullopt when missing. Numbers in a Text column and text in
// a number column are written as they are.
std::optional<std::string> cell_text(const Column& column, const Cell& cell);

// The least number of decimals in [min_decimals, max_decimals] at which no nonzero value prints as
// zero (the study's precision, widened only where small values would otherwise collapse to 0.00).
int fit_decimals(const std::vector<std::optional<double>>& values, int min_decimals, int max_decimals);

}  // namespace bokeh::reports
