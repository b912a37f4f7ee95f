// Reading the tables and published references of a stored canonical spec (stored_spec.h).
#include "orchestrator/store/stored_spec.h"

#include <nlohmann/json.hpp>

#include "orchestrator/store/result_json.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

// The array at `key` of `object`, or an empty one.
json array_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : json::array();
}

std::string text_at(const json& row, const char* key) {
  const auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "?";
}

}  // namespace

StoredSpec read_stored_spec(const std::string& spec_json) {
  const json spec = json::parse(spec_json, nullptr, /*allow_exceptions=*/false);
  StoredSpec out;
  if (!spec.is_object()) return out;
  for (const json& table : array_at(spec, "tables")) {
    if (table.is_number()) out.tables.push_back(table.get<int64_t>());
  }
  for (const json& row : array_at(spec, "references")) {
    if (!row.is_object()) continue;
    StoredReference r;
    r.name = text_at(row, "name");
    r.source = text_at(row, "source");
    r.epochs = optional_number(row, "epochs");
    r.params_m = optional_number(row, "params_m");
    r.runtime_min = optional_number(row, "runtime_min");
    r.psnr = optional_number(row, "psnr");
    r.ssim = optional_number(row, "ssim");
    r.lpips = optional_number(row, "lpips");
    out.references.push_back(std::move(r));
  }
  return out;
}

}  // namespace bokeh::orchestrator
