// The one reader of a run's canonical config JSON (runs.config_json, e.g. {"model": {"width": 32, ...},
// "train": {"lr": 2e-4, ...}, "loss": {...}}): every run setting into the trainer's worker::TrainConfig.
// The settings table itself (paths, defaults, ranges) is orchestrator/spec/run_settings.h.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "worker/run_config.h"

namespace bokeh::orchestrator {

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

// Every run setting of `config`, with `seed` as the run's seed. train.scheduler "plateau" enables the
// scheduler, any other choice disables it. Numbers convert as nlohmann::json's get<T>() does. Throws
// ConfigKeyError for the first setting (in the settings table's order) missing or mistyped.
worker::TrainConfig train_config_from_json(const nlohmann::json& config, uint64_t seed = 0);

// Repeats (`repeats: K`): repeat r > 0 of a configuration carries the top-level "repeat": r in its
// config. The repeat index (0 when absent), and the config of the configuration (without "repeat"):
// equal for all repeats of one configuration.
int64_t config_repeat(const nlohmann::json& config);
nlohmann::json config_without_repeat(nlohmann::json config);

}  // namespace bokeh::orchestrator
