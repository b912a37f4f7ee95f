// The table of a run's settings (every key a spec's base/runs/grid may set): dotted path, type,
// default (the study's, taken from worker::TrainConfig), allowed range; plus the conversions between
// a run's canonical config JSON and worker::TrainConfig. sweeps/README.md documents the same table.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "worker/run_config.h"

namespace bokeh::orchestrator {

enum class SettingKind { Integer, Real, Boolean, Choice };

struct Setting {
  std::string path;  // dotted, e.g. "train.lr"
  SettingKind kind;
  nlohmann::json default_value;      // the study's default
  std::vector<std::string> choices;  // Choice only
  std::optional<double> min;         // numeric lower bound
  bool min_exclusive = false;        // true: value must be > min, else >= min
  std::optional<double> max;         // numeric upper bound (exclusive when max_exclusive)
  bool max_exclusive = false;
};

// Every run setting, in the order sweeps/README.md lists them.
const std::vector<Setting>& run_settings();

// The setting at `path`, or nullptr.
const Setting* find_setting(const std::string& path);

// Why `value` (already of the setting's JSON type) is out of range, or nullopt when it is fine.
std::optional<std::string> range_error(const Setting& setting, const nlohmann::json& value);

// Every setting at its default, as nested canonical JSON ({"loss": {...}, "model": {...}, "train": {...}}).
nlohmann::json default_run_config();

// Value of a dotted path in a nested config.
const nlohmann::json& setting_value(const nlohmann::json& config, const std::string& path);
void set_setting_value(nlohmann::json& config, const std::string& path, nlohmann::json value);

// A setting value as short text: 32, 0.5, 2e-4 (exponent form below 0.01), true, plateau.
std::string format_setting_value(const nlohmann::json& value);

}  // namespace bokeh::orchestrator
