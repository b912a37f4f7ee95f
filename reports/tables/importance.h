// `report --importance`: how much of a quality figure's variance across a sweep's configurations
// each varied setting explains (main effects) and each pair of them (two-way interactions). A full
// factorial grid gets the exact functional ANOVA of its cells (with repeats: the cell means; the
// interval resamples each cell's repeats); a sampled search gets fANOVA over a random forest
// (reports/statistics/fanova.h) with a bootstrap interval over the configurations. Seeded: the same database
// prints the same bytes. Settings the spec varies but the finished runs do not are listed as constant.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store_records.h"
#include "reports/tables/repeat_groups.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

struct ImportanceOptions {
  std::string y = "val_loss";  // as --pareto's --y
  uint64_t seed = 0;           // the forest's and the bootstraps' seed
  int trees = 64;              // the forest of the estimate
  int bootstrap = 100;         // resamples of the interval
  int bootstrap_trees = 32;    // trees of each resample's forest
};

struct ImportanceTerm {
  std::vector<std::string> settings;                  // one: a main effect; two: their interaction
  double share = 0;                                   // of the total variance, in [0, 1]
  std::optional<std::pair<double, double>> interval;  // 95% (2.5 and 97.5 percentiles)
};

struct ImportanceResult {
  bool exact = false;                 // full factorial grid: exact functional ANOVA
  std::string y_header;               // "Best_Val_Loss", ...
  int64_t configurations = 0;         // finished configurations used
  std::vector<std::string> cells;     // exact: "3 x 2" levels
  std::vector<ImportanceTerm> terms;  // mains and pairs, by share (largest first; ties: mains, spec order)
  std::vector<std::pair<std::string, std::string>> values;     // each varied setting: its values as text
  std::vector<std::pair<std::string, std::string>> constants;  // settings the spec varies that did not: value
  bool repeated = false;                                       // exact with repeats: the interval resamples repeats
  double total_variance = 0;
};

// ReportInputError when fewer than 3 configurations have finished with the figure, or none of
// their settings differ.
ImportanceResult importance(const orchestrator::SweepInfo& sweep, const std::vector<RepeatGroup>& groups,
                            const ImportanceOptions& options);

Table importance_table(const orchestrator::SweepInfo& sweep, const ImportanceResult& result,
                       const ImportanceOptions& options);

// For the dashboard's bars: {"y_label", "exact", "terms": [{"label", "share", "low", "high"}], "constants"}.
nlohmann::json importance_json(const ImportanceResult& result);

}  // namespace bokeh::reports
