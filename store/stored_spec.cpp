// Reading the tables, named rows, published references, readings, data, sampled settings and early
// stopping of a stored canonical spec (stored_spec.h).
#include "store/stored_spec.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/result_json.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

// The array at `key` of `object`, or an empty one.
json array_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : json::array();
}

std::string text_at(const json& object, const char* key, const char* absent = "?") {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : absent;
}

json object_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : json::object();
}

// "table_rows": {"2": ["VBase_1", ...], "1": "all"}.
std::map<int64_t, StoredTableRows> read_table_rows(const json& spec) {
  std::map<int64_t, StoredTableRows> out;
  const json rows_by_table = object_at(spec, "table_rows");  // kept alive for items()
  for (const auto& [key, value] : rows_by_table.items()) {
    StoredTableRows rows;
    if (value == "all") {
      rows.all = true;
    } else if (value.is_array()) {
      for (const json& name : value)
        if (name.is_string()) rows.runs.push_back(name.get<std::string>());
    } else {
      continue;
    }
    try {
      out[std::stoll(key)] = std::move(rows);
    } catch (const std::exception&) {  // a key that is not a number: absent
    }
  }
  return out;
}

StoredData read_data(const json& spec) {
  const json data = object_at(spec, "data");
  const json synthetic = object_at(data, "synthetic");
  StoredData d;
  d.source = text_at(data, "source", "");
  d.root = text_at(data, "root", "");
  d.test_root = text_at(data, "test_root", "");
  d.height = common::optional_number(data, "height");
  d.width = common::optional_number(data, "width");
  d.train_pairs = common::optional_number(data, "train_pairs");
  d.val_pairs = common::optional_number(data, "val_pairs");
  d.test_pairs = common::optional_number(data, "test_pairs");
  d.synthetic_count = common::optional_number(synthetic, "count");
  d.synthetic_size = common::optional_number(synthetic, "size");
  return d;
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
    common::Reference r;
    r.name = text_at(row, "name");
    r.source = text_at(row, "source");
    if (const std::optional<double> epochs = common::optional_number(row, "epochs"))
      r.epochs = static_cast<int64_t>(*epochs);
    r.params_m = common::optional_number(row, "params_m");
    r.runtime_min = common::optional_number(row, "runtime_min");
    r.psnr = common::optional_number(row, "psnr");
    r.ssim = common::optional_number(row, "ssim");
    r.lpips = common::optional_number(row, "lpips");
    out.references.push_back(std::move(r));
  }
  out.table_rows = read_table_rows(spec);
  for (const json& run : array_at(spec, "runs")) {
    const std::string reading = run.is_object() ? text_at(run, "reading", "") : "";
    if (!reading.empty()) out.readings[text_at(run, "name")] = reading;
  }
  out.data = read_data(spec);
  const auto search = spec.find("search");
  if (search != spec.end() && search->is_object()) {
    for (const json& dim : array_at(*search, "space")) {
      if (!dim.is_object() || !dim.contains("key") || !dim["key"].is_string()) continue;
      out.sampled.push_back(dim["key"]);
      StoredDimension d{dim["key"], text_at(dim, "distribution", ""), std::nullopt, std::nullopt, false};
      const json range = array_at(dim, "range");
      if (range.size() == 2 && range[0].is_number() && range[1].is_number()) d.low = range[0], d.high = range[1];
      d.log = d.distribution == "loguniform" || (dim.contains("log") && dim["log"] == true);
      out.space.push_back(std::move(d));
    }
  }
  const auto add_varied = [&](const std::string& key) {
    if (std::find(out.varied.begin(), out.varied.end(), key) == out.varied.end()) out.varied.push_back(key);
  };
  for (const json& axis : array_at(spec, "grid")) {
    if (axis.is_object() && axis.contains("key") && axis["key"].is_string()) add_varied(axis["key"]);
  }
  for (const std::string& key : out.sampled) add_varied(key);
  for (const json& run : array_at(spec, "runs")) {
    if (!run.is_object()) continue;
    const json settings = object_at(run, "settings");  // kept alive for items()
    for (const auto& [key, value] : settings.items()) add_varied(key);
  }
  const auto es = spec.find("early_stopping");
  if (es != spec.end() && es->is_object()) {
    const std::optional<double> min_epochs = common::optional_number(*es, "min_epochs");
    const std::optional<double> factor = common::optional_number(*es, "reduction_factor");
    if (min_epochs && factor && *min_epochs >= 1 && *factor >= 2) {
      out.early_stopping =
          StoredEarlyStopping{text_at(*es, "metric"), static_cast<int64_t>(*min_epochs), static_cast<int64_t>(*factor)};
    }
  }
  return out;
}

}  // namespace bokeh::orchestrator
