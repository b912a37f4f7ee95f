// Markdown, CSV and JSON writers for report tables.
#include "reports/tables/table_format.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

constexpr const char* kMissingMark = "–";  // en dash, as the study's tables would show a gap

bool numeric(const Column& column) { return column.style != CellStyle::Text; }

std::string markdown_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// The number a cell shows: an integer when it is written as one (Epochs 30, not 30.0).
nlohmann::ordered_json json_number(const std::string& shown) {
  if (shown.find_first_of(".eE") == std::string::npos) return std::stoll(shown);
  return std::stod(shown);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The headers of the CSV/JSON fields of a column: itself, then "<header> std" and "<header> n" when it
// has spreads.
std::vector<std::string> field_headers(const Column& c) {
  if (!c.spread) return {c.header};
  return {c.header, c.header + " std", c.header + " n"};
}

// The spread fields of a cell: its std (as the column writes numbers; missing for n < 2) and its n.
std::pair<std::optional<std::string>, std::optional<std::string>> spread_fields(const Table& table, size_t row,
                                                                                size_t column) {
  const std::optional<Spread> spread = cell_spread(table, row, column);
  if (!spread) return {};
  const std::optional<std::string> std_text =
      spread->n >= 2 ? cell_text(table.columns[column], Cell{spread->std}) : std::nullopt;
  return {std_text, std::to_string(spread->n)};
}

}  // namespace

TableFormat parse_table_format(const std::string& name) {
  if (name == "markdown") return TableFormat::Markdown;
  if (name == "csv") return TableFormat::Csv;
  if (name == "json") return TableFormat::Json;
  throw ReportError(fmt::format("unknown format \"{}\" (markdown, csv or json)", name));
}

std::string format_markdown(const Table& table) {
  std::string out = fmt::format("**{}**\n\n|", markdown_cell(table.title));
  for (const Column& c : table.columns) out += fmt::format(" {} |", markdown_cell(c.header));
  out += "\n|";
  for (const Column& c : table.columns) out += numeric(c) ? "---:|" : "---|";
  out += "\n";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out += "|";
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::optional<std::string> text = shown_text(table, r, i);
      out += fmt::format(" {} |", text ? markdown_cell(*text) : kMissingMark);
    }
    out += "\n";
  }
  if (!table.notes.empty()) out += "\n";
  for (const std::string& note : table.notes) out += fmt::format("- {}\n", note);
  return out;
}

std::string format_csv(const Table& table) {
  std::string out;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    for (const std::string& header : field_headers(table.columns[i]))
      out += (out.empty() ? "" : ",") + csv_field(header);
  }
  out += "\n";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      out += (i ? "," : "") + csv_field(cell_text(table.columns[i], table.rows[r].at(i)).value_or(""));
      if (!table.columns[i].spread) continue;
      const auto [std_text, n_text] = spread_fields(table, r, i);
      out += "," + std_text.value_or("") + "," + n_text.value_or("");
    }
    out += "\n";
  }
  return out;
}

std::string format_json(const Table& table) {
  using nlohmann::ordered_json;
  ordered_json out = {{"title", table.title},
                      {"columns", ordered_json::array()},
                      {"rows", ordered_json::array()},
                      {"notes", table.notes}};
  for (const Column& c : table.columns) {
    for (const std::string& header : field_headers(c)) out["columns"].push_back(header);
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<Cell>& row = table.rows[r];
    ordered_json object = ordered_json::object();
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const Column& column = table.columns[i];
      const std::optional<std::string> text = cell_text(column, row.at(i));
      if (!text)
        object[column.header] = nullptr;
      else if (std::holds_alternative<double>(row[i]))
        object[column.header] = json_number(*text);
      else
        object[column.header] = *text;
      if (!column.spread) continue;
      const auto [std_text, n_text] = spread_fields(table, r, i);
      object[column.header + " std"] = std_text ? ordered_json(json_number(*std_text)) : ordered_json(nullptr);
      object[column.header + " n"] = n_text ? ordered_json(std::stoll(*n_text)) : ordered_json(nullptr);
    }
    out["rows"].push_back(std::move(object));
  }
  return out.dump(2) + "\n";
}

std::string format_table(const Table& table, TableFormat format) {
  switch (format) {
    case TableFormat::Csv:
      return format_csv(table);
    case TableFormat::Json:
      return format_json(table);
    case TableFormat::Markdown:
      break;
  }
  return format_markdown(table);
}

}  // namespace bokeh::reports
