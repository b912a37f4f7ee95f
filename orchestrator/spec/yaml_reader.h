// Typed, located reads from a yaml-cpp document for the spec parser: each failure is a SpecError
// naming the file, the line (from yaml-cpp's Mark) and the dotted key path, or the --set argument
// that put the value there.
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "common/run_settings.h"
#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

// One key: value pair of a YAML map.
struct YamlEntry {
  std::string name;  // the key
  std::string path;  // dotted key path in the document
  YAML::Node key;    // its node (for the line)
  YAML::Node value;
};

// The closest candidate to `word` by edit distance, formatted " (did you mean \"x\"?)", or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

class YamlReader {
 public:
  // `overridden`: (document key path, --set argument) of each value a --set put into the document.
  YamlReader(std::string file, std::vector<std::pair<std::string, std::string>> overridden);

  SourceLocation at(const YAML::Node& node, const std::string& path) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& message) const;

  // The entries of a map (a null node is an empty map); keys must be plain scalars, given once.
  std::vector<YamlEntry> entries(const YAML::Node& map, const YAML::Node& mark, const std::string& path) const;
  // Fails on an entry whose name is not in `known`, suggesting the closest.
  void require_known(const YamlEntry& entry, const std::vector<std::string>& known) const;

  // Scalars; `mark` is the node whose line errors point at.
  int64_t integer(const YAML::Node& value, const YAML::Node& mark, const std::string& path, int64_t min) const;
  double real(const YAML::Node& value, const YAML::Node& mark, const std::string& path) const;
  std::string string(const YAML::Node& value, const YAML::Node& mark, const std::string& path) const;
  std::string choice(const YAML::Node& value, const YAML::Node& mark, const std::string& path,
                     const std::vector<std::string>& choices) const;
  // A run setting's value, converted to its JSON type and range-checked.
  nlohmann::json setting(const common::Setting& setting, const YAML::Node& value, const YAML::Node& mark,
                         const std::string& path) const;

 private:
  std::string file_;
  std::vector<std::pair<std::string, std::string>> overridden_;
};

}  // namespace bokeh::orchestrator
