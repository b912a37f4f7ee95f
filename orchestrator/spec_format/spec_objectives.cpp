// A spec's objectives with their defaults: what the search models and what the tables choose by
// (sweep_spec.h).
#include "orchestrator/spec_format/sweep_spec.h"

namespace bokeh::orchestrator {

common::Objective search_objective(const std::optional<common::Objective>& search_metric,
                                   const std::optional<EarlyStopping>& early_stopping) {
  if (search_metric) return *search_metric;
  if (early_stopping && early_stopping->method != StoppingMethod::None) return early_stopping->metric;
  return common::Objective{};
}

common::Objective selection_objective(const std::optional<common::Objective>& select,
                                      const common::Objective& searched) {
  if (select) return *select;
  // train_loss has no value at a run's best epoch to choose by: then val_loss.
  return common::best_epoch_figure(searched).empty() ? common::Objective{} : searched;
}

common::Objective search_objective(const Spec& spec) {
  return search_objective(spec.search.metric, spec.early_stopping);
}

common::Objective selection_objective(const Spec& spec) {
  return selection_objective(spec.select, search_objective(spec));
}

}  // namespace bokeh::orchestrator
