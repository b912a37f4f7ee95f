// Recursive JSON comparison into "path: old -> new" lines.
#include "store/json_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

std::string child(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void diff(const json& a, const json& b, const std::string& path, std::vector<std::string>& out) {
  const std::string where = path.empty() ? "(document)" : path;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& item : a.items()) keys.insert(item.key());
    for (const auto& item : b.items()) keys.insert(item.key());
    for (const std::string& k : keys) {
      if (!a.contains(k))
        out.push_back(fmt::format("{}: added {}", child(path, k), b.at(k).dump()));
      else if (!b.contains(k))
        out.push_back(fmt::format("{}: removed (was {})", child(path, k), a.at(k).dump()));
      else
        diff(a.at(k), b.at(k), child(path, k), out);
    }
  } else if (a.is_array() && b.is_array()) {
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      const std::string item = fmt::format("{}[{}]", path, i);
      if (i >= a.size())
        out.push_back(fmt::format("{}: added {}", item, b[i].dump()));
      else if (i >= b.size())
        out.push_back(fmt::format("{}: removed (was {})", item, a[i].dump()));
      else
        diff(a[i], b[i], item, out);
    }
  } else if (a != b) {
    out.push_back(fmt::format("{}: {} -> {}", where, a.dump(), b.dump()));
  }
}

}  // namespace

std::vector<std::string> json_diff(const json& before, const json& after) {
  std::vector<std::string> out;
  diff(before, after, "", out);
  return out;
}

}  // namespace bokeh::orchestrator
