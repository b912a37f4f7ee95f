// Reading the tables, published references, sampled settings and early stopping of a stored
// canonical spec (stored_spec.h).
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
  const auto search = spec.find("search");
  if (search != spec.end() && search->is_object()) {
    for (const json& dim : array_at(*search, "space")) {
      if (dim.is_object() && dim.contains("key") && dim["key"].is_string()) out.sampled.push_back(dim["key"]);
    }
  }
  const auto es = spec.find("early_stopping");
  if (es != spec.end() && es->is_object()) {
    const std::optional<double> min_epochs = optional_number(*es, "min_epochs");
    const std::optional<double> factor = optional_number(*es, "reduction_factor");
    if (min_epochs && factor && *min_epochs >= 1 && *factor >= 2) {
      out.early_stopping = StoredEarlyStopping{text_at(*es, "metric"), static_cast<int64_t>(*min_epochs),
                                               static_cast<int64_t>(*factor)};
    }
  }
  return out;
}

}  // namespace bokeh::orchestrator
