// Reading a run's canonical config JSON into worker::TrainConfig (config_json.h).
#include "orchestrator/store/config_json.h"

#include <fmt/format.h>

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

std::string describe(const std::string& key, const std::string& found) {
  if (found.empty()) return fmt::format("run config lacks \"{}\"", key);
  return fmt::format("run config: \"{}\" has the wrong type ({})", key, found);
}

// The value at a dotted key of nested objects, or nullptr when a part is absent or the value is null.
const json* find_key(const json& config, const std::string& key) {
  const json* node = &config;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node->is_null() ? nullptr : node;
}

template <typename T>
T setting(const json& config, const char* key) {
  const json* value = find_key(config, key);
  if (!value) throw ConfigKeyError(key, "");
  try {
    return value->get<T>();
  } catch (const json::exception&) {
    throw ConfigKeyError(key, value->dump());
  }
}

}  // namespace

ConfigKeyError::ConfigKeyError(std::string key, std::string found)
    : std::runtime_error(describe(key, found)), key_(std::move(key)), found_(std::move(found)) {}

worker::TrainConfig train_config_from_json(const json& config, uint64_t seed) {
  worker::TrainConfig c;
  c.model.width = setting<int64_t>(config, "model.width");
  c.model.depth = setting<int64_t>(config, "model.depth");
  c.model.batch_norm = setting<bool>(config, "model.batch_norm");
  c.lr = setting<double>(config, "train.lr");
  c.batch_size = setting<int64_t>(config, "train.batch_size");
  c.epochs = setting<int64_t>(config, "train.epochs");
  c.weight_decay = setting<double>(config, "train.weight_decay");
  c.augment = setting<bool>(config, "train.augment");
  c.scheduler.enabled = setting<std::string>(config, "train.scheduler") == "plateau";
  c.scheduler.factor = setting<double>(config, "train.scheduler_factor");
  c.scheduler.patience = setting<int64_t>(config, "train.scheduler_patience");
  // Runs stored before train.precision existed were all trained in fp32.
  c.precision = find_key(config, "train.precision") ? setting<std::string>(config, "train.precision") : "fp32";
  c.loss.l1 = setting<double>(config, "loss.l1");
  c.loss.ssim = setting<double>(config, "loss.ssim");
  c.loss.lpips = setting<double>(config, "loss.lpips");
  c.loss.focus.levels = setting<int64_t>(config, "loss.focus.levels");
  c.loss.focus.in_focus_weight = setting<double>(config, "loss.focus.in_focus_weight");
  c.loss.focus.mask_scale = setting<double>(config, "loss.focus.mask_scale");
  c.seed = seed;
  return c;
}

int64_t config_repeat(const json& config) {
  if (!config.is_object()) return 0;
  const auto it = config.find("repeat");
  return it != config.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

json config_without_repeat(json config) {
  if (config.is_object()) config.erase("repeat");
  return config;
}

}  // namespace bokeh::orchestrator
