// The dashboard page: template, style, script, chart libraries, data and samples in one HTML string.
#include "reports/dashboard/dashboard_page.h"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "common/atomic_file.h"
#include "reports/dashboard/dashboard_assets.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;

std::string read_file(const std::filesystem::path& file, const std::string& package) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ReportError(
        fmt::format("cannot read {} (Debian package {}; scripts/install-deps installs it)", file.string(), package));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A script that can sit inside <script>...</script> as it is; ReportError when it would end the element.
const std::string& inline_script(const std::string& script, const std::string& what) {
  std::string lower = script;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("</script") != std::string::npos) {
    throw ReportError(fmt::format("{} contains \"</script\" and cannot be inlined into the page", what));
  }
  return script;
}

// JSON for a <script type="application/json"> element: '<' only occurs inside strings, where \u003c
// reads back the same, so no "</script>" or "<!--" in the data can end the element.
std::string script_json(const json& value) {
  const std::string text = value.dump();
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k) group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// {"columns", "rows": [[data URI]], "notes"}, or {"error": why there are none}.
json samples_json(const orchestrator::StoreReader& store, const std::string& sweep, const SampleSource& source) {
  if (!source) return {{"error", "this build of report draws no sample images (it was configured without libtorch)"}};
  try {
    const SampleImages samples = source(store, sweep);
    json rows = json::array();
    for (const std::vector<std::string>& row : samples.rows) {
      json cells = json::array();
      for (const std::string& png : row) cells.push_back("data:image/png;base64," + base64(png));
      rows.push_back(std::move(cells));
    }
    return {{"columns", samples.columns}, {"rows", rows}, {"notes", samples.notes}};
  } catch (const std::exception& e) {
    return {{"error", e.what()}};
  }
}

// `page` with each {{NAME}} replaced by values.at(NAME), in one pass (replacements are not rescanned).
std::string fill_template(const std::string& page, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = page.find("{{", at);
    if (open == std::string::npos) break;
    const size_t close = page.find("}}", open);
    if (close == std::string::npos) break;
    const auto it = values.find(page.substr(open + 2, close - open - 2));
    if (it == values.end()) throw ReportError("dashboard template: unknown " + page.substr(open, close - open + 2));
    out += page.substr(at, open - at) + it->second;
    at = close + 2;
  }
  return out + page.substr(at);
}

}  // namespace

ChartLibraries read_chart_libraries(const std::filesystem::path& js_dir) {
  return ChartLibraries{read_file(js_dir / "chart.js" / "chart.min.js", "libjs-chart.js"),
                        read_file(js_dir / "d3" / "d3.min.js", "libjs-d3")};
}

namespace {
std::string page_of(const json& snapshot, const orchestrator::StoreReader* store, const ChartLibraries& libraries,
                    const PageOptions& options) {
  json samples = json::object();
  std::vector<std::string> names;
  for (const json& sweep : snapshot.at("sweeps")) {
    names.push_back(sweep.at("name").get<std::string>());
    if (store) samples[names.back()] = samples_json(*store, names.back(), options.samples);
  }
  json software = {{"bokeh-sweep", BOKEH_VERSION}, {"SQLite", SQLite::getLibVersion()}};
  software.update(options.software);
  const std::string title = names.size() == 1 ? "sweep " + names.front() : fmt::format("{} sweeps", names.size());
  return fill_template(kDashboardHtml, {{"TITLE", html_escape(title)},
                                        {"STYLE", kDashboardCss},
                                        {"DATA", script_json(snapshot)},
                                        {"SAMPLES", script_json(samples)},
                                        {"SOFTWARE", script_json(software)},
                                        {"LIVE", options.live ? "true" : "false"},
                                        {"CHART_JS", inline_script(libraries.chart_js, "chart.min.js")},
                                        {"D3", inline_script(libraries.d3, "d3.min.js")},
                                        {"ANALYSIS", inline_script(kDashboardAnalysisJs, "analysis.js")},
                                        {"SCRIPT", inline_script(kDashboardJs, "dashboard.js")}});
}
}  // namespace

std::string dashboard_page(const json& snapshot, const orchestrator::StoreReader& store,
                           const ChartLibraries& libraries, const PageOptions& options) {
  return page_of(snapshot, &store, libraries, options);
}

std::string dashboard_page(const json& snapshot, const ChartLibraries& libraries, const PageOptions& options) {
  return page_of(snapshot, nullptr, libraries, options);
}

void write_page(const std::filesystem::path& file, const std::string& html) {
  try {
    common::write_file_atomically(file, html);  // through links, directly to pipes and devices ("-": stdout)
  } catch (const common::ProtectedOutput&) {
    throw;  // bad input, not a failed write
  } catch (const common::FileWriteError& e) {
    throw ReportError(e.what());
  }
}

}  // namespace bokeh::reports
