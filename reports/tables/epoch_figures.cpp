// Per-epoch figures of an epoch row by name, and the best epoch (epoch_figures.h).
#include "reports/tables/epoch_figures.h"

#include "common/objective.h"
#include "common/result_figures.h"

namespace bokeh::reports {

std::vector<std::string> epoch_figure_names() {
  std::vector<std::string> names;
  for (const common::ResultFigure& f : common::result_figure_table()) {
    if (f.scope == common::FigureScope::PerEpoch) names.push_back(f.name);
  }
  return names;
}

std::optional<double> epoch_figure(const orchestrator::EpochRecord& epoch, const std::string& name) {
  return common::epoch_figure_value(orchestrator::epoch_figures(epoch), name);
}

const orchestrator::EpochRecord* best_epoch(const std::vector<orchestrator::EpochRecord>& epochs) {
  const orchestrator::EpochRecord* best = nullptr;
  for (const orchestrator::EpochRecord& e : epochs) {
    if (!best || e.val_loss < best->val_loss) best = &e;
  }
  return best;
}

}  // namespace bokeh::reports
