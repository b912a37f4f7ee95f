// The run-settings table (a run's canonical config is read by the store's one reader of run configs,
// train_config_from_json() in orchestrator/store/config_json.h).
#include "orchestrator/spec/run_settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

Setting integer(std::string path, int64_t def, double min, double max) {
  return Setting{std::move(path), SettingKind::Integer, def, {}, min, false, max, false};
}
Setting real(std::string path, double def, double min, bool min_exclusive, double max, bool max_exclusive = false) {
  return Setting{std::move(path), SettingKind::Real, def, {}, min, min_exclusive, max, max_exclusive};
}
Setting boolean(std::string path, bool def) {
  return Setting{std::move(path), SettingKind::Boolean, def, {}, std::nullopt, false, std::nullopt, false};
}
Setting choice(std::string path, std::string def, std::vector<std::string> choices) {
  return Setting{std::move(path), SettingKind::Choice, std::move(def), std::move(choices), std::nullopt,
                 false,           std::nullopt,        false};
}

std::vector<Setting> make_settings() {
  const worker::TrainConfig d;
  return {
      // Every number has both bounds (sweeps/README.md's table): beyond them a run is meaningless or
      // cannot fit any machine, and failing at validation beats failing every run at training.
      integer("model.width", d.model.width, 1, 1024),
      integer("model.depth", d.model.depth, 1, 12),
      boolean("model.batch_norm", d.model.batch_norm),
      real("train.lr", d.lr, 1e-10, false, 10),
      integer("train.batch_size", d.batch_size, 1, 65536),
      integer("train.epochs", d.epochs, 1, 100000),
      real("train.weight_decay", d.weight_decay, 0, false, 10),
      boolean("train.augment", d.augment),
      choice("train.scheduler", d.scheduler.enabled ? "plateau" : "none", {"plateau", "none"}),
      real("train.scheduler_factor", d.scheduler.factor, 0, true, 1.0, true),
      integer("train.scheduler_patience", d.scheduler.patience, 0, 100000),
      choice("train.precision", d.precision, {"auto", "fp32", "bf16", "fp16"}),
      real("loss.l1", d.loss.l1, 0, false, 1000),
      real("loss.ssim", d.loss.ssim, 0, false, 1000),
      real("loss.lpips", d.loss.lpips, 0, false, 1000),
      integer("loss.focus.levels", d.loss.focus.levels, 1, 12),
      real("loss.focus.in_focus_weight", d.loss.focus.in_focus_weight, 0, true, 1000),
      real("loss.focus.mask_scale", d.loss.focus.mask_scale, 0, true, 1),
  };
}

json::json_pointer pointer(const std::string& path) {
  std::string p = "/" + path;
  for (char& c : p) c = c == '.' ? '/' : c;
  return json::json_pointer(p);
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

json default_run_config() {
  json config = json::object();
  for (const Setting& s : run_settings()) set_setting_value(config, s.path, s.default_value);
  return config;
}

const json& setting_value(const json& config, const std::string& path) {
  const auto p = pointer(path);
  if (!config.contains(p)) throw std::runtime_error(fmt::format("run config lacks \"{}\"", path));
  return config.at(p);
}

void set_setting_value(json& config, const std::string& path, json value) { config[pointer(path)] = std::move(value); }

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

}  // namespace bokeh::orchestrator
