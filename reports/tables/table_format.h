// A Table as GitHub markdown, CSV (RFC 4180) or JSON. Missing cells: "–" in markdown, an empty
// field in CSV, null in JSON; numbers in CSV and JSON are the values markdown shows, so all three
// formats read back to the same values.
#pragma once

#include <string>

#include "reports/tables/table.h"

namespace bokeh::reports {

enum class TableFormat { Markdown, Csv, Json };

// "markdown", "csv" or "json"; ReportError otherwise.
TableFormat parse_table_format(const std::string& name);

std::string format_markdown(const Table& table);
std::string format_csv(const Table& table);   // header line, then one line per row; no title or notes
std::string format_json(const Table& table);  // {"title", "columns", "rows": [{header: value}], "notes"}
std::string format_table(const Table& table, TableFormat format);

}  // namespace bokeh::reports
