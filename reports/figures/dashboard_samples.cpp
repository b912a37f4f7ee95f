// Sample cells for the dashboard: select_samples() as the samples figure does, each cell a PNG.
#include "reports/figures/dashboard_samples.h"

#include "reports/figures/sample_selection.h"

namespace bokeh::reports {

SampleImages dashboard_samples(const orchestrator::StoreReader& store, const std::string& sweep,
                               const std::filesystem::path& results_root, int64_t images) {
  FigureRequest request;
  request.sweep = sweep;
  request.results_root = results_root;
  request.images = images;
  SampleSelection selection = select_samples(store, request);
  SampleImages out;
  out.columns = {"input (f/16)", "target (f/1.8)"};
  for (const SampleColumn& column : selection.columns) out.columns.push_back(column.run);
  for (const std::vector<training::Image>& row : sample_cells(selection.inputs, selection.targets, selection.columns)) {
    std::vector<std::string> cells;
    for (const training::Image& cell : row) cells.push_back(training::encode_png(cell));
    out.rows.push_back(std::move(cells));
  }
  out.notes = selection.notes;
  return out;
}

SampleSource sample_source(const std::filesystem::path& results_root, int64_t images) {
  return [results_root, images](const orchestrator::StoreReader& store, const std::string& sweep) {
    return dashboard_samples(store, sweep, results_root, images);
  };
}

}  // namespace bokeh::reports
