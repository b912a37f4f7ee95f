// Typed, located YAML reads and "did you mean" suggestions for the spec parser.
#include "orchestrator/spec/yaml_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "common/utf8_text.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// What a node holds, for "must be X (got Y)" messages.
std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  if (node.Tag() == "!") return fmt::format("the quoted string \"{}\"", node.Scalar());
  return fmt::format("\"{}\"", node.Scalar());
}

// A scalar written without quotes (quoted scalars are strings, never numbers or booleans).
bool plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (!best || d < best_distance) best = &c, best_distance = d;
  }
  if (!best || best_distance > std::max<size_t>(2, word.size() / 3)) return "";
  return fmt::format(" (did you mean \"{}\"?)", *best);
}

YamlReader::YamlReader(std::string file, std::vector<std::pair<std::string, std::string>> overridden)
    : file_(std::move(file)), overridden_(std::move(overridden)) {}

SourceLocation YamlReader::at(const YAML::Node& node, const std::string& path) const {
  for (const auto& [set_path, argument] : overridden_) {
    if (path == set_path || starts_with(path, set_path + ".") || starts_with(path, set_path + "[")) {
      return SourceLocation{argument, 0, path};
    }
  }
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  return SourceLocation{file_, mark.is_null() ? 0 : mark.line + 1, path};
}

void YamlReader::fail(const YAML::Node& node, const std::string& path, const std::string& message) const {
  throw SpecError(at(node, path), message);
}

std::vector<YamlEntry> YamlReader::entries(const YAML::Node& map, const YAML::Node& mark,
                                           const std::string& path) const {
  std::vector<YamlEntry> out;
  if (map.IsNull()) return out;
  if (!map.IsMap()) fail(mark, path, fmt::format("must be a map of keys (got {})", describe(map)));
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) fail(key, path, "keys must be plain names");
    const std::string name = key.Scalar();
    const std::string full = path.empty() ? name : path + "." + name;
    if (!seen.insert(name).second) fail(key, full, "given twice");
    out.push_back(YamlEntry{name, full, key, it->second});
  }
  return out;
}

void YamlReader::require_known(const YamlEntry& entry, const std::vector<std::string>& known) const {
  if (std::find(known.begin(), known.end(), entry.name) != known.end()) return;
  fail(entry.key, entry.path,
       fmt::format("unknown key \"{}\"{}; known here: {}", entry.name, did_you_mean(entry.name, known),
                   fmt::join(known, ", ")));
}

int64_t YamlReader::integer(const YAML::Node& value, const YAML::Node& mark, const std::string& path,
                            int64_t min) const {
  int64_t v = 0;
  if (!plain_scalar(value) || !YAML::convert<int64_t>::decode(value, v)) {
    fail(mark, path, fmt::format("must be an integer (got {})", describe(value)));
  }
  if (v < min) fail(mark, path, fmt::format("must be >= {} (got {})", min, v));
  return v;
}

double YamlReader::real(const YAML::Node& value, const YAML::Node& mark, const std::string& path) const {
  double v = 0;
  if (!plain_scalar(value) || !YAML::convert<double>::decode(value, v)) {
    fail(mark, path, fmt::format("must be a number (got {})", describe(value)));
  }
  if (!std::isfinite(v)) fail(mark, path, fmt::format("must be a finite number (got {})", describe(value)));
  return v;
}

std::string YamlReader::string(const YAML::Node& value, const YAML::Node& mark, const std::string& path) const {
  if (!value.IsScalar() || value.Scalar().empty()) {
    fail(mark, path, fmt::format("must be a non-empty text (got {})", describe(value)));
  }
  // Names, paths and readings end up in JSON (the stored spec, results, the dashboard), which holds UTF-8 only.
  if (const std::string problem = common::utf8_problem(value.Scalar()); !problem.empty())
    fail(mark, path, fmt::format("must be UTF-8 text: {} (save the spec as UTF-8)", problem));
  return value.Scalar();
}

std::string YamlReader::choice(const YAML::Node& value, const YAML::Node& mark, const std::string& path,
                               const std::vector<std::string>& choices) const {
  const std::string v = string(value, mark, path);
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    fail(mark, path,
         fmt::format("must be one of {} (got \"{}\"){}", fmt::join(choices, ", "), v, did_you_mean(v, choices)));
  }
  return v;
}

json YamlReader::setting(const common::Setting& setting, const YAML::Node& value, const YAML::Node& mark,
                         const std::string& path) const {
  json v;
  switch (setting.kind) {
    case common::SettingKind::Integer:
      v = integer(value, mark, path, std::numeric_limits<int64_t>::min());
      break;
    case common::SettingKind::Real:
      v = real(value, mark, path);
      break;
    case common::SettingKind::Boolean: {
      bool b = false;
      if (!plain_scalar(value) || !YAML::convert<bool>::decode(value, b)) {
        fail(mark, path, fmt::format("must be true or false (got {})", describe(value)));
      }
      v = b;
      break;
    }
    case common::SettingKind::Choice:
      v = choice(value, mark, path, setting.choices);
      break;
  }
  if (auto error = common::range_error(setting, v)) fail(mark, path, *error);
  return v;
}

}  // namespace bokeh::orchestrator
