// Writing one table cell in its column's style; choosing a column's decimals.
#include "reports/tables/table.h"

#include <fmt/format.h>

#include <cmath>

namespace bokeh::reports {
namespace {

// 2e-4, 1.5e-3, 1e+1 -> "1e1": up to three significant digits, trailing zeros and the '+' dropped.
std::string scientific(double value) {
  if (value == 0) return "0";
  std::string text = fmt::format("{:.2e}", value);  // "2.00e-04"
  const size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  while (mantissa.back() == '0') mantissa.pop_back();
  if (mantissa.back() == '.') mantissa.pop_back();
  const int exponent = std::stoi(text.substr(e + 1));
  return fmt::format("{}e{}", mantissa, exponent);
}

}  // namespace

std::optional<std::string> cell_text(const Column& column, const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return std::nullopt;
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  const double value = std::get<double>(cell);
  switch (column.style) {
    case CellStyle::Fixed: {
      std::string text = fmt::format("{:.{}f}", value, column.decimals);
      // -0.00 would read as a sign that is not there.
      if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);
      return text;
    }
    case CellStyle::Scientific:
      return scientific(value);
    case CellStyle::Text:
    case CellStyle::General:
      break;
  }
  return fmt::format("{}", value);  // shortest form that reads back exactly
}

std::optional<Spread> cell_spread(const Table& table, size_t row, size_t column) {
  if (row >= table.spreads.size() || column >= table.spreads[row].size()) return std::nullopt;
  return table.spreads[row][column];
}

std::optional<std::string> shown_text(const Table& table, size_t row, size_t column) {
  const Column& c = table.columns[column];
  std::optional<std::string> text = cell_text(c, table.rows[row].at(column));
  const std::optional<Spread> spread = cell_spread(table, row, column);
  if (text && spread && spread->n >= 2) *text += " ± " + cell_text(c, Cell{spread->std}).value_or("");
  return text;
}

int fit_decimals(const std::vector<std::optional<double>>& values, int min_decimals, int max_decimals) {
  for (int d = min_decimals; d < max_decimals; ++d) {
    const double half_step = 0.5 * std::pow(10.0, -d);
    bool collapses = false;
    for (const std::optional<double>& v : values) collapses |= v && *v != 0 && std::fabs(*v) < half_step;
    if (!collapses) return d;
  }
  return max_decimals;
}

}  // namespace bokeh::reports
