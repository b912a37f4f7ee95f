// The table of a run's settings (every key a spec's base/runs/grid may set), the one place each setting
// is named: dotted path, type, allowed range and where it lives in TrainConfig. Everything else is
// derived from it: the defaults (TrainConfig's, the study's), validation ranges, the one reader and the
// one writer of a run's canonical config JSON (runs.config_json, e.g. {"model": {"width": 32, ...},
// "train": {"lr": 2e-4, ...}, "loss": {...}}), and sweeps/README.md's settings table (a test compares it).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/run_config.h"

namespace bokeh::common {

enum class SettingKind { Integer, Real, Boolean, Choice };

struct Setting {
  std::string path;  // dotted, e.g. "train.lr"
  SettingKind kind;
  std::vector<std::string> choices;  // Choice only
  std::optional<double> min;         // numeric lower bound
  bool min_exclusive = false;        // true: value must be > min, else >= min
  std::optional<double> max;         // numeric upper bound (exclusive when max_exclusive)
  bool max_exclusive = false;
  std::function<nlohmann::json(const TrainConfig&)> read;          // the setting's value in a config
  std::function<void(TrainConfig&, const nlohmann::json&)> write;  // throws nlohmann::json's type_error
  nlohmann::json default_value;                                    // read(TrainConfig{}): the study's default
  // Left out of a canonical config at its default, and read as the default where absent: a setting added
  // after runs were stored (their configs lack it), so their keys, seeds and fingerprints stay as they were.
  bool omitted_at_default = false;
};

// Every run setting, in the order sweeps/README.md lists them.
const std::vector<Setting>& run_settings();

// The setting at `path`, or nullptr.
const Setting* find_setting(const std::string& path);

// Why `value` (already of the setting's JSON type) is out of range, or nullopt when it is fine.
std::optional<std::string> range_error(const Setting& setting, const nlohmann::json& value);

// The range as sweeps/README.md's table writes it: "1..1024" (integers), "in [0, 10]", "in (0, 1)"
// (numbers); "" for booleans and choices.
std::string range_text(const Setting& setting);

// A setting value as short text: 32, 0.5, 2e-4 (exponent form below 0.01), true, plateau.
std::string format_setting_value(const nlohmann::json& value);

// Value of a dotted path in a nested config (an omitted_at_default setting's default where absent).
const nlohmann::json& setting_value(const nlohmann::json& config, const std::string& path);
// Sets it; an omitted_at_default setting at its default is removed instead (the config stays canonical).
void set_setting_value(nlohmann::json& config, const std::string& path, nlohmann::json value);

// The one writer: every setting of `config` (but an omitted_at_default one at its default) as nested canonical JSON
// ({"loss": {...}, "model": {...}, "train": {...}}); the seed is not a setting (runs carry it beside their config).
nlohmann::json run_config_json(const TrainConfig& config);

// Every setting at its default: run_config_json(TrainConfig{}).
nlohmann::json default_run_config();

// A setting that a run config lacks (absent or null) or holds with the wrong type. what() reads
// `run config lacks "model.width"` or `run config: "model.width" has the wrong type ("wide")`.
class ConfigKeyError : public std::runtime_error {
 public:
  // `found`: the mistyped value as JSON text; "" when the key is missing.
  ConfigKeyError(std::string key, std::string found);
  const std::string& key() const { return key_; }  // dotted, e.g. "model.width"
  bool missing() const { return found_.empty(); }
  const std::string& found() const { return found_; }

 private:
  std::string key_;
  std::string found_;
};

// The one reader: every run setting of `config`, with `seed` as the run's seed. train.scheduler
// "plateau" enables the scheduler, any other choice disables it. Numbers convert as nlohmann::json's
// get<T>() does. Throws ConfigKeyError for the first setting (in the table's order) missing or mistyped.
// A config without train.precision (runs stored before the setting existed) was trained in fp32; one
// without an omitted_at_default setting (model.arch) has its default.
TrainConfig train_config_from_json(const nlohmann::json& config, uint64_t seed = 0);

// Repeats (`repeats: K`): repeat r > 0 of a configuration carries the top-level "repeat": r in its
// config. The repeat index (0 when absent), and the config of the configuration (without "repeat"):
// equal for all repeats of one configuration.
int64_t config_repeat(const nlohmann::json& config);
nlohmann::json config_without_repeat(nlohmann::json config);

}  // namespace bokeh::common
