// The canonical spec's JSON, section by section: each writer beside the reader of what it wrote
// (canonical_spec.h). The writers' output is stored: changing a key or a value's type changes every
// sweep's canonical form (and so what a stored sweep is compared with on resume).
#include "orchestrator/spec_format/canonical_spec.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "common/result_json.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

// The array at `key` of `object`, or an empty one.
json array_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : json::array();
}

json object_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : json::object();
}

std::string text_at(const json& object, const char* key, const char* absent = "?") {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : absent;
}

// `object[key]` into `out` when it holds a value of out's type (a number for a number); false otherwise.
template <typename T>
bool read_field(const json& object, const char* key, T& out) {
  const auto it = object.find(key);
  if (it == object.end() || !(std::is_arithmetic_v<T> ? it->is_number() : it->is_string())) return false;
  out = it->get<T>();
  return true;
}

// mask_root is written only when set, so the canonical form of a spec without it stays as it was.
json data_json(const common::DataConfig& d) {
  json data = {{"source", d.source},
               {"root", d.root},
               {"test_root", d.test_root},
               {"height", d.height},
               {"width", d.width},
               {"train_pairs", d.train_pairs},
               {"val_pairs", d.val_pairs},
               {"test_pairs", d.test_pairs},
               {"split_seed", d.split_seed},
               {"synthetic",
                {{"count", d.synthetic.count},
                 {"size", d.synthetic.size},
                 {"seed", d.synthetic.seed},
                 {"focus", d.synthetic.focus},
                 {"aperture", d.synthetic.aperture}}}};
  if (!d.mask_root.empty()) data["mask_root"] = d.mask_root;
  return data;
}

std::optional<common::DataConfig> read_data(const json& spec) {
  const json data = object_at(spec, "data");
  const json synthetic = object_at(data, "synthetic");
  common::DataConfig d;
  common::SyntheticConfig& s = d.synthetic;
  const bool whole = read_field(data, "source", d.source) && read_field(data, "root", d.root) &&
                     read_field(data, "test_root", d.test_root) && read_field(data, "height", d.height) &&
                     read_field(data, "width", d.width) && read_field(data, "train_pairs", d.train_pairs) &&
                     read_field(data, "val_pairs", d.val_pairs) && read_field(data, "test_pairs", d.test_pairs) &&
                     read_field(data, "split_seed", d.split_seed) && read_field(synthetic, "count", s.count) &&
                     read_field(synthetic, "size", s.size) && read_field(synthetic, "seed", s.seed) &&
                     read_field(synthetic, "focus", s.focus) && read_field(synthetic, "aperture", s.aperture);
  read_field(data, "mask_root", d.mask_root);  // optional: absent before it existed, and when unset
  return whole ? std::optional<common::DataConfig>(d) : std::nullopt;
}

json reference_json(const common::Reference& r) {
  const auto cell = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  return {{"name", r.name},
          {"source", r.source},
          {"epochs", cell(r.epochs)},
          {"params_m", cell(r.params_m)},
          {"runtime_min", cell(r.runtime_min)},
          {"psnr", cell(r.psnr)},
          {"ssim", cell(r.ssim)},
          {"lpips", cell(r.lpips)}};
}

common::Reference read_reference(const json& row) {
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
  return r;
}

// `table_rows`: {"2": ["VBase_1", ...], "1": "all"}.
json table_rows_json(const TableRows& rows) { return rows.all ? json("all") : json(rows.runs); }

std::map<int64_t, TableRows> read_table_rows(const json& spec) {
  std::map<int64_t, TableRows> out;
  const json rows_by_table = object_at(spec, "table_rows");  // kept alive for items()
  for (const auto& [key, value] : rows_by_table.items()) {
    TableRows rows;
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

json dimension_json(const SearchDimension& d) {
  json dim = {{"key", d.path}, {"distribution", distribution_name(d.distribution)}};
  if (d.distribution == Distribution::Choice)
    dim["choices"] = d.choices;
  else
    dim["range"] = {d.low, d.high};
  if (d.log) dim["log"] = true;
  return dim;
}

std::optional<SearchDimension> read_dimension(const json& dim) {
  SearchDimension d;
  std::string distribution;
  if (!read_field(dim, "key", d.path) || !read_field(dim, "distribution", distribution)) return std::nullopt;
  const std::optional<Distribution> kind = find_kind<Distribution>(distribution);
  if (!kind) return std::nullopt;
  d.distribution = *kind;
  if (d.distribution == Distribution::Choice) {
    const json choices = array_at(dim, "choices");
    d.choices.assign(choices.begin(), choices.end());
  } else {
    const json range = array_at(dim, "range");
    if (range.size() != 2 || !range[0].is_number() || !range[1].is_number()) return std::nullopt;
    d.low = range[0].get<double>();
    d.high = range[1].get<double>();
  }
  const auto log = dim.find("log");
  d.log = log != dim.end() && *log == true;
  return d;
}

json search_json(const SearchSpace& search) {
  json space = json::array();
  for (const SearchDimension& d : search.dimensions) space.push_back(dimension_json(d));
  json out = {{"method", to_string(search.method)},
              {"trials", search.trials},
              {"seed", search.seed},
              {"space", std::move(space)}};
  // Only when given, so that the canonical form of an existing random or Sobol spec is unchanged.
  if (search.method == SearchMethod::Tpe) out["n_startup_trials"] = search.n_startup_trials;
  if (search.budget_epochs > 0) out["budget_epochs"] = search.budget_epochs;
  if (search.metric) out["metric"] = search.metric->metric;
  if (!search.objectives.empty()) {
    json objectives = json::array();
    for (const common::Objective& o : search.objectives)
      objectives.push_back({{"metric", o.metric}, {"mode", o.higher_is_better ? "max" : "min"}});
    out["objectives"] = std::move(objectives);
  }
  if (!search.reference_point.empty()) out["reference_point"] = search.reference_point;
  return out;
}

json early_stopping_json(const EarlyStopping& es) {
  return {{"method", to_string(es.method)},
          {"metric", es.metric.metric},
          {"min_epochs", es.min_epochs},
          {"reduction_factor", es.reduction_factor}};
}

std::optional<EarlyStopping> read_early_stopping(const json& spec) {
  const json es = object_at(spec, "early_stopping");
  const std::optional<StoppingMethod> method = find_kind<StoppingMethod>(text_at(es, "method"));
  const std::optional<common::Objective> metric = common::find_objective(text_at(es, "metric"));
  const std::optional<double> min_epochs = common::optional_number(es, "min_epochs");
  const std::optional<double> factor = common::optional_number(es, "reduction_factor");
  if (!method || !metric || !min_epochs || !factor || *min_epochs < 1 || *factor < 2) return std::nullopt;
  EarlyStopping out;
  out.method = *method;
  out.metric = *metric;
  out.min_epochs = static_cast<int64_t>(*min_epochs);
  out.reduction_factor = static_cast<int64_t>(*factor);
  return out;
}

}  // namespace

json canonical_spec(const Spec& spec) {
  const auto settings = [](const Settings& s) {
    json out = json::object();
    for (const auto& [path, v] : s) out[path] = v.value;
    return out;
  };
  json out = {
      {"sweep", spec.name},
      {"tables", spec.tables},
      {"seed", spec.seed},
      {"data", data_json(spec.data)},
      {"metrics", {{"lpips_weights", spec.lpips_weights}}},
      {"resources",
       {{"device", spec.resources.device},
        {"threads", spec.resources.threads},
        {"max_attempts", spec.resources.max_attempts},
        {"ranks_per_run", spec.resources.ranks_per_run},
        {"runs_per_gpu", spec.resources.runs_per_gpu}}},
      {"base", settings(spec.base)},
      {"set", settings(spec.forced)},
      {"runs", json::array()},
      {"grid", json::array()},
      {"references", json::array()},
  };
  for (const RunEntry& r : spec.runs) {
    out["runs"].push_back({{"name", r.name}, {"settings", settings(r.settings)}});
    if (!r.reading.empty()) out["runs"].back()["reading"] = r.reading;
    if (r.repeats > 0) out["runs"].back()["repeats"] = r.repeats;
  }
  // Only when a spec repeats, so that the canonical form of a spec without `repeats` is unchanged.
  if (spec.repeats != 1) out["repeats"] = spec.repeats;
  // Only in specs that name rows, so that the canonical form of a spec listing table numbers is unchanged.
  for (const auto& [number, rows] : spec.table_rows) out["table_rows"][std::to_string(number)] = table_rows_json(rows);
  for (const GridAxis& g : spec.grid) out["grid"].push_back({{"key", g.path}, {"values", g.values}});
  if (spec.search.method != SearchMethod::None) out["search"] = search_json(spec.search);
  if (spec.early_stopping.method != StoppingMethod::None)
    out["early_stopping"] = early_stopping_json(spec.early_stopping);
  for (const common::Reference& r : spec.references) out["references"].push_back(reference_json(r));
  // Only when given, so that the canonical form of a spec without `select` is unchanged.
  if (spec.select) out["select"] = {{"metric", spec.select->metric}};
  return out;
}

StoredSpec read_stored_spec(const std::string& spec_json) {
  const json spec = json::parse(spec_json, nullptr, /*allow_exceptions=*/false);
  StoredSpec out;
  if (!spec.is_object()) return out;
  for (const json& table : array_at(spec, "tables")) {
    if (table.is_number()) out.tables.push_back(table.get<int64_t>());
  }
  for (const json& row : array_at(spec, "references")) {
    if (row.is_object()) out.references.push_back(read_reference(row));
  }
  out.table_rows = read_table_rows(spec);
  for (const json& run : array_at(spec, "runs")) {
    const std::string reading = run.is_object() ? text_at(run, "reading", "") : "";
    if (!reading.empty()) out.readings[text_at(run, "name")] = reading;
  }
  out.data = read_data(spec);
  for (const json& dim : array_at(object_at(spec, "search"), "space")) {
    if (!dim.is_object() || !dim.contains("key") || !dim["key"].is_string()) continue;
    out.sampled.push_back(dim["key"]);
    if (std::optional<SearchDimension> d = read_dimension(dim)) out.space.push_back(std::move(*d));
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
  out.early_stopping = read_early_stopping(spec);
  const std::optional<common::Objective> search_metric =
      common::find_objective(text_at(object_at(spec, "search"), "metric", ""));
  out.search_objective = search_objective(search_metric, out.early_stopping);
  for (const json& o : array_at(object_at(spec, "search"), "objectives")) {
    if (!o.is_object()) continue;
    if (const std::optional<common::Objective> read = find_search_objective(text_at(o, "metric")))
      out.search_objectives.push_back(*read);
  }
  if (out.early_stopping) out.early_stopping->objectives = out.search_objectives;  // MO-ASHA ranks by them
  for (const json& v : array_at(object_at(spec, "search"), "reference_point"))
    if (v.is_number()) out.reference_point.push_back(v.get<double>());
  const std::optional<common::Objective> select =
      common::find_objective(text_at(object_at(spec, "select"), "metric", ""));
  out.selection = selection_objective(
      select, out.search_objectives.empty() ? std::vector{out.search_objective} : out.search_objectives);
  return out;
}

}  // namespace bokeh::orchestrator
