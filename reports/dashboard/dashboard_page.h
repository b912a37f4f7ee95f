// `report --html`: the dashboard as one self-contained HTML file. The page's script and style (page/,
// compiled in), the chart libraries read from Debian's packages at report time (Chart.js for the loss
// curves, d3 for the parallel coordinates), the snapshot JSON and the sample images as data: URIs are
// all inlined, so the file opens offline and links to nothing.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "store/store_reader.h"

namespace bokeh::reports {

// Sample images of one sweep: input, target and each chosen run's output for a few test images.
struct SampleImages {
  std::vector<std::string> columns;            // headers, left to right
  std::vector<std::vector<std::string>> rows;  // one per test image: each cell's PNG bytes
  std::vector<std::string> notes;
};

// Makes the samples of a sweep, or throws (the page then shows the message where the images would be).
using SampleSource = std::function<SampleImages(const orchestrator::StoreReader& store, const std::string& sweep)>;

struct PageOptions {
  bool live = false;                                   // served: the page polls data.json and redraws when it changes
  SampleSource samples;                                // empty: the page says this build draws no sample images
  nlohmann::json software = nlohmann::json::object();  // extra "name": "version" pairs (e.g. libtorch)
};

// The chart libraries the page inlines: Debian's libjs-chart.js and libjs-d3 under `js_dir`.
struct ChartLibraries {
  std::string chart_js;
  std::string d3;
};
// Reads them; ReportError naming the missing file and its Debian package.
ChartLibraries read_chart_libraries(const std::filesystem::path& js_dir = BOKEH_JS_DIR);

// The HTML page for `snapshot` (dashboard_snapshot()); `store` feeds the samples.
std::string dashboard_page(const nlohmann::json& snapshot, const orchestrator::StoreReader& store,
                           const ChartLibraries& libraries, const PageOptions& options);
// The same for a snapshot without sweeps (waiting_snapshot()): there are no samples to read.
std::string dashboard_page(const nlohmann::json& snapshot, const ChartLibraries& libraries, const PageOptions& options);

// Writes the page to `file` as common::write_file_atomically does (a temporary renamed over it, through
// symbolic links; pipes, devices and "-" written directly); ReportError when it cannot.
void write_page(const std::filesystem::path& file, const std::string& html);

}  // namespace bokeh::reports
