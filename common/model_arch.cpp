// The registry of model architectures and what derives from an arch's facts alone: descriptors,
// fingerprints, the halving check and the model columns of a table.
#include "common/model_arch.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>

#include "common/run_settings.h"

namespace bokeh::common {

const ModelFacts& unet_facts();   // common/unet_facts.cpp
const ModelFacts& pynet_facts();  // common/pynet_facts.cpp

namespace {

// A model setting's name in a descriptor: "model.batch_norm" -> "batch_norm".
std::string descriptor_key(const std::string& setting) { return setting.substr(setting.find('.') + 1); }

}  // namespace

const std::vector<const ModelFacts*>& model_archs() {
  static const std::vector<const ModelFacts*> archs = {&unet_facts(), &pynet_facts()};
  return archs;
}

const ModelFacts& model_facts(const std::string& name) {
  std::vector<std::string> known;
  for (const ModelFacts* arch : model_archs()) {
    if (arch->name() == name) return *arch;
    known.push_back(arch->name());
  }
  throw std::invalid_argument(fmt::format("unknown model.arch \"{}\" (known: {})", name, fmt::join(known, ", ")));
}

const ModelFacts& model_facts(const ModelConfig& config) { return model_facts(config.arch); }

nlohmann::json model_descriptor(const ModelConfig& config) {
  TrainConfig run;
  run.model = config;
  nlohmann::json descriptor = {{"arch", config.arch}};
  for (const std::string& setting : model_facts(config).settings()) {
    const Setting& s = *find_setting(setting);
    const nlohmann::json value = s.read(run);
    if (s.omitted_at_default && value == s.default_value) continue;  // descriptors written before it match
    descriptor[descriptor_key(setting)] = value;
  }
  if (config.input_channels != ModelConfig{}.input_channels) descriptor["input_channels"] = config.input_channels;
  return descriptor;
}

std::string describe_model(const nlohmann::json& descriptor) {
  const std::string name = descriptor.value("arch", "");
  const ModelFacts* arch = nullptr;
  for (const ModelFacts* a : model_archs()) arch = a->name() == name ? a : arch;
  std::vector<std::string> keys;
  if (arch) {
    for (const std::string& setting : arch->settings()) {
      const Setting* s = find_setting(setting);
      if (s->omitted_at_default && !descriptor.contains(descriptor_key(setting))) continue;  // at its default
      keys.push_back(descriptor_key(setting));
    }
    if (descriptor.contains("input_channels")) keys.push_back("input_channels");
  } else {
    for (const auto& [key, value] : descriptor.items())
      if (key != "arch") keys.push_back(key);
  }
  std::vector<std::string> parts;
  for (std::string key : keys) {
    const nlohmann::json value = descriptor.contains(key) ? descriptor.at(key) : nlohmann::json("?");
    std::replace(key.begin(), key.end(), '_', ' ');
    parts.push_back(key + " " + format_setting_value(value));
  }
  return fmt::format("{} {}", arch ? arch->title() : name, fmt::join(parts, ", "));
}

std::string model_fingerprint(const ModelConfig& config) {
  const nlohmann::json descriptor = model_descriptor(config);
  std::vector<std::string> parts;
  if (config.arch != model_archs().front()->name()) parts.push_back(config.arch);
  for (const std::string& setting : model_facts(config).settings()) {
    const auto value = descriptor.find(descriptor_key(setting));
    if (value != descriptor.end()) parts.push_back(format_setting_value(*value));  // absent: omitted at default
  }
  return fmt::format("{}", fmt::join(parts, " "));
}

std::optional<std::string> halving_problem(int64_t levels, int64_t height, int64_t width) {
  if (levels <= 62 && (int64_t{1} << (levels - 1)) <= std::min(height, width)) return std::nullopt;
  return fmt::format("data is {}x{}: its {} halvings need both sides >= {}", height, width, levels - 1,
                     levels > 62 ? std::string("2^61") : std::to_string(int64_t{1} << (levels - 1)));
}

std::vector<ModelColumn> table_model_columns(const std::vector<const ModelFacts*>& archs) {
  std::vector<const ModelFacts*> distinct;
  for (const ModelFacts* arch : archs)
    if (std::find(distinct.begin(), distinct.end(), arch) == distinct.end()) distinct.push_back(arch);
  std::vector<ModelColumn> columns;
  if (distinct.size() > 1) columns.push_back({"Arch", "model.arch"});
  for (const ModelFacts* arch : distinct) {
    for (const ModelColumn& column : arch->columns()) {
      const auto same = [&](const ModelColumn& c) { return c.header == column.header; };
      if (std::none_of(columns.begin(), columns.end(), same)) columns.push_back(column);
    }
  }
  return columns;
}

}  // namespace bokeh::common
