// The run settings a sweep varies, as both exports present them (TensorBoard's hparams, Optuna's
// params): each with its domain, from the spec's search space when the setting is sampled, else the
// values its runs take, and every run's value of each.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "orchestrator/spec_format/canonical_spec.h"
#include "store/store_records.h"

namespace bokeh::reports {

struct SettingDomain {
  std::string path;      // "train.lr"
  bool differs = false;  // whether the runs take more than one value (a sampled setting may not, yet)
  // Sampled from a range (the spec's uniform, loguniform or int dimension): that range, widened where a
  // run the spec lists besides the search lies outside it, so that every run's value is inside.
  bool range = false;
  bool integer = false;  // an int dimension
  bool log = false;      // drawn on a log scale
  double low = 0, high = 0;
  // Otherwise the values: a `choice` dimension's choices, then values runs take that it lacks; for a
  // setting the grid or the runs vary, the values its runs take, in the order they first appear.
  std::vector<nlohmann::json> values;
};

struct SweepSettings {
  // The settings whose value is not the same in every run (the sampled ones first, in the spec's
  // order, then the others in the first run's order), plus any sampled one that happens not to vary.
  std::vector<SettingDomain> varied;
  std::vector<nlohmann::json> runs;  // each run's settings by dotted path (flat_settings), in `runs`' order
};

SweepSettings sweep_settings(const orchestrator::StoredSpec& spec, const std::vector<orchestrator::RunRecord>& runs);

}  // namespace bokeh::reports
