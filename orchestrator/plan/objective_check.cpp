// Refusing objectives that compare runs by a loss with different weights (objective_check.h).
#include "orchestrator/plan/objective_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/objective.h"

namespace bokeh::orchestrator {
namespace {

bool is_loss_weight(const std::string& path) { return path.rfind("loss.", 0) == 0; }

// Whether a table chooses its rows by the selection objective: Tables 2 and 4 unless the spec names them.
bool chooses_best_runs(const Spec& spec) {
  for (int64_t table : {2, 4}) {
    if (std::count(spec.tables.begin(), spec.tables.end(), table) && !spec.table_rows.count(table)) return true;
  }
  return false;
}

// One objective as the spec sets it: where (the key, or the section that implies the default) and what for.
struct Use {
  common::Objective objective;
  SourceLocation where;
  std::string what;
  std::string fix;  // how the spec names a comparable figure there
};

std::vector<Use> objective_uses(const Spec& spec) {
  std::vector<Use> uses;
  const SearchSpace& search = spec.search;
  const EarlyStopping& es = spec.early_stopping;
  if (es.method != StoppingMethod::None && es.objectives.empty())
    uses.push_back({es.metric, es.metric_where.source.empty() ? es.where : es.metric_where, "early stopping ranks runs",
                    "metric: val_psnr"});
  for (const common::Objective& objective : search.objectives)
    uses.push_back({objective, search.objectives_where, "the search compares trials", "{metric: val_psnr, mode: max}"});
  if (search.method == SearchMethod::Tpe && search.objectives.empty())
    uses.push_back({search_objective(spec), search.metric_where.source.empty() ? search.where : search.metric_where,
                    "the search models", "metric: val_psnr"});
  if (spec.select) {
    uses.push_back({*spec.select, spec.select_where, "the tables choose their best runs", "metric: val_psnr"});
  } else if (chooses_best_runs(spec)) {
    const auto tables = spec.locations.find("tables");
    uses.push_back({selection_objective(spec),
                    tables != spec.locations.end() ? tables->second : SourceLocation{spec.file, 0, "tables"},
                    "Tables 2 and 4 choose their best runs", "add select: {metric: val_psnr}"});
  }
  return uses;
}

}  // namespace

std::vector<std::string> varying_loss_weights(const Spec& spec, const RunPlan& plan) {
  std::map<std::string, std::set<std::string>> values;
  for (const PlannedRun& run : plan.runs) {
    const nlohmann::json flat = run.config.flatten();  // kept alive for items()
    for (const auto& [path, value] : flat.items()) {
      std::string key = path.substr(1);
      std::replace(key.begin(), key.end(), '/', '.');
      if (is_loss_weight(key)) values[key].insert(value.dump());
    }
  }
  std::set<std::string> varying;
  for (const auto& [key, seen] : values) {
    if (seen.size() > 1) varying.insert(key);
  }
  if (spec.search.method != SearchMethod::None) {
    for (const SearchDimension& d : spec.search.dimensions) {
      if (is_loss_weight(d.path)) varying.insert(d.path);
    }
  }
  return {varying.begin(), varying.end()};
}

void check_objectives(const Spec& spec, const RunPlan& plan) {
  const std::vector<Use> uses = objective_uses(spec);
  if (uses.empty()) return;
  const std::vector<std::string> varying = varying_loss_weights(spec, plan);
  for (const Use& use : uses) {
    if (use.objective.metric == "val_lpips" && spec.lpips_weights.empty()) {
      throw SpecError(use.where, fmt::format("{} by val_lpips, which needs the LPIPS weights: set "
                                             "metrics.lpips_weights (sweeps/README.md says how to make the file)",
                                             use.what));
    }
    if (!common::loss_weighted(use.objective) || varying.empty()) continue;
    throw SpecError(use.where,
                    fmt::format("{} by {}, but the runs differ in {}: each run's loss is its own weighted sum, so a "
                                "smaller weight wins without a better pixel; choose a figure that compares them ({}): "
                                "e.g. {}",
                                use.what, use.objective.metric, fmt::join(varying, ", "),
                                fmt::join(common::comparable_objective_names(), ", "), use.fix));
  }
}

}  // namespace bokeh::orchestrator
