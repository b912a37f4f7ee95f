// The run-settings table and what derives from it: defaults, ranges, the canonical config JSON's one
// reader and one writer (run_settings.h).
#include "common/run_settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "common/model_arch.h"

namespace bokeh::common {
namespace {

using nlohmann::json;

// A setting stored as a T at field(config): `field` is a generic lambda returning a reference into
// the config (const or not), e.g. [](auto& c) -> auto& { return c.model.width; }.
template <typename T, typename Field>
Setting stored_as(std::string path, SettingKind kind, Field field) {
  Setting s;
  s.path = std::move(path);
  s.kind = kind;
  s.read = [field](const TrainConfig& c) { return json(field(c)); };
  s.write = [field](TrainConfig& c, const json& value) { field(c) = value.get<T>(); };
  s.default_value = s.read(TrainConfig{});
  return s;
}

template <typename Field>
Setting integer(std::string path, Field field, double min, double max) {
  Setting s = stored_as<int64_t>(std::move(path), SettingKind::Integer, field);
  s.min = min;
  s.max = max;
  return s;
}
template <typename Field>
Setting real(std::string path, Field field, double min, bool min_exclusive, double max, bool max_exclusive = false) {
  Setting s = stored_as<double>(std::move(path), SettingKind::Real, field);
  s.min = min;
  s.min_exclusive = min_exclusive;
  s.max = max;
  s.max_exclusive = max_exclusive;
  return s;
}
template <typename Field>
Setting boolean(std::string path, Field field) {
  return stored_as<bool>(std::move(path), SettingKind::Boolean, field);
}
template <typename Field>
Setting choice(std::string path, Field field, std::vector<std::string> choices) {
  Setting s = stored_as<std::string>(std::move(path), SettingKind::Choice, field);
  s.choices = std::move(choices);
  return s;
}

// train.scheduler: the choice "plateau" is SchedulerConfig::enabled, "none" (or any other) disabled.
Setting scheduler_choice() {
  Setting s;
  s.path = "train.scheduler";
  s.kind = SettingKind::Choice;
  s.choices = {"plateau", "none"};
  s.read = [](const TrainConfig& c) { return json(c.scheduler.enabled ? "plateau" : "none"); };
  s.write = [](TrainConfig& c, const json& value) { c.scheduler.enabled = value.get<std::string>() == "plateau"; };
  s.default_value = s.read(TrainConfig{});
  return s;
}

// model.arch: one of the registered architectures (common/model_arch.h); absent from configs at its default.
Setting arch_choice() {
  std::vector<std::string> names;
  for (const ModelFacts* arch : model_archs()) names.push_back(arch->name());
  Setting s = choice(
      "model.arch", [](auto& c) -> auto& { return c.model.arch; }, std::move(names));
  s.omitted_at_default = true;
  return s;
}

// model.attention: absent from configs at its default (off), so fingerprints written before it still match.
Setting attention_flag() {
  Setting s = boolean(
      "model.attention", [](auto& c) -> auto& { return c.model.attention; });
  s.omitted_at_default = true;
  return s;
}

std::vector<Setting> make_settings() {
  // Every number has both bounds (sweeps/README.md's table): beyond them a run is meaningless or
  // cannot fit any machine, and failing at validation beats failing every run at training.
  return {
      arch_choice(),
      integer(
          "model.width", [](auto& c) -> auto& { return c.model.width; }, 1, 1024),
      integer(
          "model.depth", [](auto& c) -> auto& { return c.model.depth; }, 1, 12),
      boolean(
          "model.batch_norm", [](auto& c) -> auto& { return c.model.batch_norm; }),
      attention_flag(),
      real(
          "train.lr", [](auto& c) -> auto& { return c.lr; }, 1e-10, false, 10),
      integer(
          "train.batch_size", [](auto& c) -> auto& { return c.batch_size; }, 1, 65536),
      integer(
          "train.epochs", [](auto& c) -> auto& { return c.epochs; }, 1, 100000),
      real(
          "train.weight_decay", [](auto& c) -> auto& { return c.weight_decay; }, 0, false, 10),
      boolean(
          "train.augment", [](auto& c) -> auto& { return c.augment; }),
      scheduler_choice(),
      real(
          "train.scheduler_factor", [](auto& c) -> auto& { return c.scheduler.factor; }, 0, true, 1.0, true),
      integer(
          "train.scheduler_patience", [](auto& c) -> auto& { return c.scheduler.patience; }, 0, 100000),
      choice("train.precision", [](auto& c) -> auto& { return c.precision; }, {"auto", "fp32", "bf16", "fp16"}),
      real(
          "loss.l1", [](auto& c) -> auto& { return c.loss.l1; }, 0, false, 1000),
      real(
          "loss.ssim", [](auto& c) -> auto& { return c.loss.ssim; }, 0, false, 1000),
      real(
          "loss.lpips", [](auto& c) -> auto& { return c.loss.lpips; }, 0, false, 1000),
      integer(
          "loss.focus.levels", [](auto& c) -> auto& { return c.loss.focus.levels; }, 1, 12),
      real(
          "loss.focus.in_focus_weight", [](auto& c) -> auto& { return c.loss.focus.in_focus_weight; }, 0, true, 1000),
      real(
          "loss.focus.mask_scale", [](auto& c) -> auto& { return c.loss.focus.mask_scale; }, 0, true, 1),
  };
}

json::json_pointer pointer(const std::string& path) {
  std::string p = "/" + path;
  for (char& c : p) c = c == '.' ? '/' : c;
  return json::json_pointer(p);
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

std::string describe(const std::string& key, const std::string& found) {
  if (found.empty()) return fmt::format("run config lacks \"{}\"", key);
  return fmt::format("run config: \"{}\" has the wrong type ({})", key, found);
}

}  // namespace

const std::vector<Setting>& run_settings() {
  static const std::vector<Setting> settings = make_settings();
  return settings;
}

const Setting* find_setting(const std::string& path) {
  for (const Setting& s : run_settings()) {
    if (s.path == path) return &s;
  }
  return nullptr;
}

std::optional<std::string> range_error(const Setting& setting, const json& value) {
  if (setting.kind == SettingKind::Choice) {
    for (const std::string& c : setting.choices) {
      if (value.get<std::string>() == c) return std::nullopt;
    }
    return fmt::format("must be one of {} (got \"{}\")", fmt::join(setting.choices, ", "), value.get<std::string>());
  }
  if (setting.kind == SettingKind::Boolean) return std::nullopt;
  const double v = value.get<double>();
  if (!std::isfinite(v)) return fmt::format("must be a finite number (got {})", value.dump());
  if (setting.min && (setting.min_exclusive ? !(v > *setting.min) : !(v >= *setting.min))) {
    return fmt::format("must be {} {} (got {})", setting.min_exclusive ? ">" : ">=", *setting.min, value.dump());
  }
  if (setting.max && (setting.max_exclusive ? !(v < *setting.max) : !(v <= *setting.max))) {
    return fmt::format("must be {} {} (got {})", setting.max_exclusive ? "<" : "<=", *setting.max, value.dump());
  }
  return std::nullopt;
}

const json& setting_value(const json& config, const std::string& path) {
  const auto p = pointer(path);
  if (!config.contains(p)) {
    const Setting* setting = find_setting(path);
    if (setting && setting->omitted_at_default) return setting->default_value;
    throw std::runtime_error(fmt::format("run config lacks \"{}\"", path));
  }
  return config.at(p);
}

void set_setting_value(json& config, const std::string& path, json value) {
  const Setting* setting = find_setting(path);
  const auto p = pointer(path);
  if (setting && setting->omitted_at_default && value == setting->default_value) {
    if (config.contains(p)) config.at(p.parent_pointer()).erase(p.back());
    return;
  }
  config[p] = std::move(value);
}

std::string format_setting_value(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_number_float()) return value.dump();
  const double v = value.get<double>();
  if (v == 0 || (std::fabs(v) >= 1e-2 && std::fabs(v) < 1e5)) return fmt::format("{}", v);
  for (int precision = 0;; ++precision) {  // the shortest mantissa that reads back as v
    const std::string s = fmt::format("{:.{}e}", v, precision);
    if (std::strtod(s.c_str(), nullptr) == v || precision >= 17) {  // strtod: no throw on subnormals (1e-320)
      const size_t e = s.find('e');
      return fmt::format("{}e{}", s.substr(0, e), std::atoi(s.c_str() + e + 1));
    }
  }
}

std::string range_text(const Setting& setting) {
  if (setting.kind == SettingKind::Integer) return fmt::format("{}..{}", *setting.min, *setting.max);
  if (setting.kind != SettingKind::Real) return "";
  return fmt::format("in {}{}, {}{}", setting.min_exclusive ? "(" : "[", format_setting_value(*setting.min),
                     format_setting_value(*setting.max), setting.max_exclusive ? ")" : "]");
}

json run_config_json(const TrainConfig& config) {
  json out = json::object();
  for (const Setting& s : run_settings()) set_setting_value(out, s.path, s.read(config));
  return out;
}

json default_run_config() { return run_config_json(TrainConfig{}); }

ConfigKeyError::ConfigKeyError(std::string key, std::string found)
    : std::runtime_error(describe(key, found)), key_(std::move(key)), found_(std::move(found)) {}

TrainConfig train_config_from_json(const json& config, uint64_t seed) {
  TrainConfig c;
  c.precision = "fp32";  // what a config without train.precision was trained in
  for (const Setting& s : run_settings()) {
    const json* value = find_key(config, s.path);
    if (!value) {
      if (s.path == "train.precision" || s.omitted_at_default) continue;
      throw ConfigKeyError(s.path, "");
    }
    try {
      s.write(c, *value);
    } catch (const json::exception&) {
      throw ConfigKeyError(s.path, value->dump());
    }
  }
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

}  // namespace bokeh::common
