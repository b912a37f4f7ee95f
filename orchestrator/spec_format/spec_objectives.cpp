// A spec's objectives with their defaults: what the search models and what the tables choose by
// (sweep_spec.h).
#include "orchestrator/spec_format/sweep_spec.h"

#include <algorithm>

namespace bokeh::orchestrator {

common::Objective search_objective(const std::optional<common::Objective>& search_metric,
                                   const std::optional<EarlyStopping>& early_stopping) {
  if (search_metric) return *search_metric;
  if (early_stopping && early_stopping->method != StoppingMethod::None) return early_stopping->metric;
  return common::Objective{};
}

common::Objective selection_objective(const std::optional<common::Objective>& select,
                                      const std::vector<common::Objective>& searched) {
  if (select) return *select;
  // The first searched figure a run has a value of at its best epoch: train_loss has none, and neither
  // has a static objective (params, flops), which tells the runs apart by size, not by how well they
  // learned. None: val_loss.
  for (const common::Objective& o : searched)
    if (!common::best_epoch_figure(o).empty()) return o;
  return common::Objective{};
}

common::Objective search_objective(const Spec& spec) {
  return search_objective(spec.search.metric, spec.early_stopping);
}

common::Objective selection_objective(const Spec& spec) {
  return selection_objective(spec.select, search_objectives(spec));
}

std::vector<common::Objective> search_objectives(const Spec& spec) {
  if (!spec.search.objectives.empty()) return spec.search.objectives;
  return {search_objective(spec)};
}

std::vector<std::string> static_objective_names() { return {"params", "flops"}; }

bool is_static_objective(const common::Objective& objective) {
  const std::vector<std::string> names = static_objective_names();
  return std::find(names.begin(), names.end(), objective.metric) != names.end();
}

std::vector<std::string> search_objective_names() {
  std::vector<std::string> names = common::objective_names();
  for (const std::string& name : static_objective_names()) names.push_back(name);
  return names;
}

std::optional<common::Objective> find_search_objective(const std::string& name) {
  if (const std::optional<common::Objective> per_epoch = common::find_objective(name)) return per_epoch;
  const common::Objective fixed{name, false};
  if (is_static_objective(fixed)) return fixed;
  return std::nullopt;
}

}  // namespace bokeh::orchestrator
