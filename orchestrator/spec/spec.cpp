// Sweep spec parsing: the document's sections, --set overrides and validation (see sweeps/README.md).
#include "orchestrator/spec/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "orchestrator/spec/run_settings.h"
#include "orchestrator/spec/spec_overrides.h"
#include "orchestrator/spec/yaml_reader.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

const std::vector<std::string> kTopKeys = {"sweep", "tables", "seed",       "data",      "base",
                                           "runs",  "grid",   "references", "resources", "metrics"};
const std::vector<std::string> kRunSections = {"model", "train", "loss"};

std::string what_text(const SourceLocation& where, const std::string& message) {
  std::string text = where.source;
  if (where.line > 0) text += fmt::format(":{}", where.line);
  if (!where.key.empty()) text += ": " + where.key;
  return text + ": " + message;
}

std::vector<std::string> setting_paths() {
  std::vector<std::string> paths;
  for (const Setting& s : run_settings()) paths.push_back(s.path);
  return paths;
}

bool is_setting_section(const std::string& path) {
  for (const Setting& s : run_settings()) {
    if (s.path.compare(0, path.size() + 1, path + ".") == 0) return true;
  }
  return false;
}

// The optional numeric cell of a reference row: null and "?" mean unknown.
bool unknown_cell(const YAML::Node& value) {
  return value.IsNull() || (value.IsScalar() && value.Scalar() == "?");
}

class SpecParser {
 public:
  SpecParser(Spec& spec, YamlReader reader) : spec_(spec), r_(std::move(reader)) {}

  void read(const YAML::Node& root) {
    if (!root.IsMap()) r_.fail(root, "", "the spec must be a map of keys (sweep, data, base, runs, grid, ...)");
    spec_.base_where = r_.at(root, "base");
    bool named = false;
    for (const YamlEntry& e : r_.entries(root, root, "")) {
      if (std::find(kRunSections.begin(), kRunSections.end(), e.name) != kRunSections.end()) {
        r_.fail(e.key, e.path, "run settings belong under base (every run), runs or grid");
      }
      r_.require_known(e, kTopKeys);
      if (e.name == "sweep") {
        spec_.name = r_.string(e.value, e.key, e.path);
        if (spec_.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            std::string::npos) {
          r_.fail(e.key, e.path, "may hold only letters, digits, '_' and '-' (it names result folders)");
        }
        named = true;
      } else if (e.name == "tables") {
        read_tables(e);
      } else if (e.name == "seed") {
        spec_.seed = static_cast<uint64_t>(r_.integer(e.value, e.key, e.path, 0));
      } else if (e.name == "data") {
        read_data(e);
      } else if (e.name == "base") {
        spec_.base_where = r_.at(e.key, e.path);
        read_settings(e.value, e.key, e.path, "", spec_.base, nullptr);
      } else if (e.name == "runs") {
        read_runs(e);
      } else if (e.name == "grid") {
        read_grid(e);
      } else if (e.name == "references") {
        read_references(e);
      } else if (e.name == "resources") {
        read_resources(e);
      } else {
        for (const YamlEntry& m : r_.entries(e.value, e.key, e.path)) {
          r_.require_known(m, {"lpips_weights"});
          spec_.lpips_weights = r_.string(m.value, m.key, m.path);
        }
      }
    }
    if (!named) r_.fail(root, "sweep", "missing: every spec names its sweep (sweep: NAME)");
  }

 private:
  using Leaf = std::function<void(const Setting&, const YamlEntry&)>;

  // Walks a map of run settings, nested (train: {lr: ...}) or dotted (train.lr: ...), calling
  // `leaf` for each setting; `name` (when given) receives a run's optional `name` key.
  void walk_settings(const YAML::Node& map, const YAML::Node& mark, const std::string& doc_path,
                     const std::string& prefix, const Leaf& leaf, std::string* name) {
    for (const YamlEntry& e : r_.entries(map, mark, doc_path)) {
      if (name && prefix.empty() && e.name == "name") {
        *name = r_.string(e.value, e.key, e.path);
        continue;
      }
      const std::string path = prefix.empty() ? e.name : prefix + "." + e.name;
      if (const Setting* s = find_setting(path)) {
        leaf(*s, e);
      } else if (is_setting_section(path)) {
        if (!e.value.IsMap()) r_.fail(e.key, e.path, fmt::format("must be a map of {}.* settings", path));
        walk_settings(e.value, e.key, e.path, path, leaf, nullptr);
      } else {
        std::vector<std::string> known = setting_paths();
        if (name) known.push_back("name");
        r_.fail(e.key, e.path, fmt::format("unknown run setting \"{}\"{}; sweeps/README.md lists them", path,
                                           did_you_mean(path, known)));
      }
    }
  }

  void read_settings(const YAML::Node& map, const YAML::Node& mark, const std::string& doc_path,
                     const std::string& prefix, Settings& out, std::string* name) {
    walk_settings(map, mark, doc_path, prefix, [&](const Setting& s, const YamlEntry& e) {
      if (out.count(s.path)) r_.fail(e.key, e.path, fmt::format("sets {} a second time", s.path));
      out[s.path] = SettingValue{r_.setting(s, e.value, e.key, e.path), r_.at(e.key, e.path)};
    }, name);
  }

  void read_runs(const YamlEntry& e) {
    if (!e.value.IsSequence()) r_.fail(e.key, e.path, "must be a list of runs ({name: ..., settings...})");
    if (e.value.size() == 0) r_.fail(e.key, e.path, "is empty: list at least one run, or leave runs out");
    for (size_t i = 0; i < e.value.size(); ++i) {
      const YAML::Node item = e.value[i];
      const std::string path = fmt::format("runs[{}]", i);
      if (!item.IsMap()) r_.fail(item, path, "each run must be a map of settings (with an optional name)");
      RunEntry run{"", r_.at(item, path), {}};
      read_settings(item, item, path, "", run.settings, &run.name);
      spec_.runs.push_back(std::move(run));
    }
  }

  void read_grid(const YamlEntry& e) {
    walk_settings(e.value, e.key, e.path, "", [&](const Setting& s, const YamlEntry& axis) {
      for (const GridAxis& g : spec_.grid) {
        if (g.path == s.path) r_.fail(axis.key, axis.path, fmt::format("grid varies {} a second time", s.path));
      }
      if (!axis.value.IsSequence()) {
        r_.fail(axis.key, axis.path, "a grid axis must be a list of values ([x] for a single one)");
      }
      if (axis.value.size() == 0) r_.fail(axis.key, axis.path, "empty grid axis: give at least one value");
      GridAxis g{s.path, {}, r_.at(axis.key, axis.path)};
      for (size_t i = 0; i < axis.value.size(); ++i) {
        g.values.push_back(r_.setting(s, axis.value[i], axis.value[i], fmt::format("{}[{}]", axis.path, i)));
      }
      spec_.grid.push_back(std::move(g));
    }, nullptr);
    if (spec_.grid.empty()) r_.fail(e.key, e.path, "empty grid: give at least one setting with a list of values");
  }

  void read_tables(const YamlEntry& e) {
    if (!e.value.IsSequence()) r_.fail(e.key, e.path, "must be a list of the study's table numbers (1..4)");
    for (size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = fmt::format("tables[{}]", i);
      const int64_t t = r_.integer(e.value[i], e.value[i], path, 1);
      if (t > 4) r_.fail(e.value[i], path, fmt::format("the study has tables 1..4 (got {})", t));
      if (std::count(spec_.tables.begin(), spec_.tables.end(), t)) r_.fail(e.value[i], path, "listed twice");
      spec_.tables.push_back(t);
    }
  }

  void read_data(const YamlEntry& e) {
    worker::DataConfig& d = spec_.data;
    std::map<std::string, SourceLocation> where;
    for (const YamlEntry& f : r_.entries(e.value, e.key, e.path)) {
      r_.require_known(f, {"source", "root", "test_root", "height", "width", "train_pairs", "val_pairs",
                           "test_pairs", "split_seed", "synthetic"});
      where[f.name] = r_.at(f.key, f.path);
      const auto count = [&](int64_t min) { return r_.integer(f.value, f.key, f.path, min); };
      if (f.name == "source") d.source = r_.choice(f.value, f.key, f.path, {"synthetic", "ebb"});
      else if (f.name == "root") d.root = r_.string(f.value, f.key, f.path);
      else if (f.name == "test_root") d.test_root = r_.string(f.value, f.key, f.path);
      else if (f.name == "height") d.height = count(1);
      else if (f.name == "width") d.width = count(1);
      else if (f.name == "train_pairs") d.train_pairs = count(1);
      else if (f.name == "val_pairs") d.val_pairs = count(1);
      else if (f.name == "test_pairs") d.test_pairs = count(1);
      else if (f.name == "split_seed") d.split_seed = static_cast<uint64_t>(count(0));
      else read_synthetic(f, where);
    }
    const auto place = [&](const std::string& key) {  // the key's line, else the line of `data:`
      auto it = where.find(key);
      if (it != where.end()) return it->second;
      SourceLocation data = r_.at(e.key, e.path);
      data.key = "data." + key;
      return data;
    };
    if (d.source == "ebb" && d.root.empty()) {
      throw SpecError(place("root"), "data.source is ebb but data.root is missing: give the folder holding "
                                     "original/ and bokeh/ (see sweeps/README.md)");
    }
    const int64_t needed = d.train_pairs + d.val_pairs + d.test_pairs;
    if (d.source == "synthetic" && d.synthetic.count < needed) {
      throw SpecError(place("synthetic.count"),
                      fmt::format("renders {} pairs but train_pairs + val_pairs + test_pairs = {}",
                                  d.synthetic.count, needed));
    }
  }

  void read_synthetic(const YamlEntry& e, std::map<std::string, SourceLocation>& where) {
    worker::SyntheticConfig& s = spec_.data.synthetic;
    for (const YamlEntry& f : r_.entries(e.value, e.key, e.path)) {
      r_.require_known(f, {"count", "size", "seed", "focus", "aperture"});
      where["synthetic." + f.name] = r_.at(f.key, f.path);
      if (f.name == "count") s.count = r_.integer(f.value, f.key, f.path, 1);
      else if (f.name == "size") s.size = r_.integer(f.value, f.key, f.path, 1);
      else if (f.name == "seed") s.seed = static_cast<uint64_t>(r_.integer(f.value, f.key, f.path, 0));
      else {
        const double v = r_.real(f.value, f.key, f.path);
        if (v < 0 || (f.name == "focus" && v > 1)) {
          r_.fail(f.key, f.path, fmt::format("must be in {} (got {})", f.name == "focus" ? "[0, 1]" : ">= 0", v));
        }
        (f.name == "focus" ? s.focus : s.aperture) = v;
      }
    }
  }

  void read_resources(const YamlEntry& e) {
    Resources& res = spec_.resources;
    for (const YamlEntry& f : r_.entries(e.value, e.key, e.path)) {
      r_.require_known(f, {"device", "threads", "max_attempts", "ranks_per_run", "runs_per_gpu"});
      if (f.name == "device") res.device = r_.choice(f.value, f.key, f.path, {"auto", "cpu", "cuda"});
      else if (f.name == "threads") res.threads = r_.integer(f.value, f.key, f.path, 0);
      else if (f.name == "max_attempts") res.max_attempts = r_.integer(f.value, f.key, f.path, 1);
      else if (f.name == "ranks_per_run") res.ranks_per_run = r_.integer(f.value, f.key, f.path, 1);
      else res.runs_per_gpu = r_.integer(f.value, f.key, f.path, 1);
    }
    if (res.runs_per_gpu > 1 && res.ranks_per_run > 1)
      r_.fail(e.key, e.path,
              fmt::format("sets runs_per_gpu {} and ranks_per_run {}: the ranks of a group would share a GPU "
                          "(NCCL needs one GPU per rank); use one or the other",
                          res.runs_per_gpu, res.ranks_per_run));
  }

  void read_references(const YamlEntry& e) {
    if (!e.value.IsSequence()) r_.fail(e.key, e.path, "must be a list of published rows ({name, source, ...})");
    for (size_t i = 0; i < e.value.size(); ++i) {
      const YAML::Node item = e.value[i];
      const std::string path = fmt::format("references[{}]", i);
      Reference ref;
      const std::map<std::string, std::optional<double>*> cells = {
          {"params_m", &ref.params_m}, {"runtime_min", &ref.runtime_min}, {"psnr", &ref.psnr},
          {"ssim", &ref.ssim}, {"lpips", &ref.lpips}};
      for (const YamlEntry& f : r_.entries(item, item, path)) {
        r_.require_known(f, {"name", "source", "epochs", "params_m", "runtime_min", "psnr", "ssim", "lpips"});
        if (f.name == "name") ref.name = r_.string(f.value, f.key, f.path);
        else if (f.name == "source") ref.source = r_.string(f.value, f.key, f.path);
        else if (unknown_cell(f.value)) continue;
        else if (f.name == "epochs") ref.epochs = r_.integer(f.value, f.key, f.path, 1);
        else {
          const double v = r_.real(f.value, f.key, f.path);
          if (v < 0) r_.fail(f.key, f.path, fmt::format("must be >= 0 (got {})", v));
          *cells.at(f.name) = v;
        }
      }
      if (ref.name.empty()) r_.fail(item, path + ".name", "missing: every reference row has a name");
      if (ref.source.empty()) {
        r_.fail(item, path + ".source", "missing: every reference row says where it was published");
      }
      spec_.references.push_back(std::move(ref));
    }
  }

  Spec& spec_;
  YamlReader r_;
};

}  // namespace

SpecError::SpecError(SourceLocation where, const std::string& message)
    : std::runtime_error(what_text(where, message)), where_(std::move(where)), message_(message) {}

Spec load_spec(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(SourceLocation{path, 0, ""}, fmt::format("cannot read the spec: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spec(text.str(), path, overrides);
}

Spec parse_spec(const std::string& text, const std::string& file, const std::vector<std::string>& overrides) {
  Spec spec;
  spec.file = file;
  spec.text = text;
  spec.overrides = overrides;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw SpecError(SourceLocation{file, e.mark.line + 1, ""}, "YAML syntax error: " + e.msg);
  }
  if (root.IsNull()) throw SpecError(SourceLocation{file, 0, ""}, "the spec is empty");

  std::vector<std::pair<std::string, std::string>> overridden;
  std::vector<Override> run_overrides;
  for (const std::string& argument : overrides) {
    Override o = parse_override(argument);
    const std::string first = o.path.substr(0, o.path.find('.'));
    if (std::find(kRunSections.begin(), kRunSections.end(), first) != kRunSections.end()) {
      run_overrides.push_back(o);
      overridden.emplace_back(o.path, "--set " + argument);
    } else if (root.IsMap()) {
      overridden.emplace_back(apply_override(root, o), "--set " + argument);
    }
  }
  YamlReader reader(file, overridden);
  SpecParser(spec, reader).read(root);
  for (const Override& o : run_overrides) {
    const Setting* s = find_setting(o.path);
    if (!s) {
      throw SpecError(SourceLocation{"--set " + o.argument, 0, o.path},
                      fmt::format("unknown run setting{}; sweeps/README.md lists them",
                                  did_you_mean(o.path, setting_paths())));
    }
    spec.forced[o.path] = SettingValue{reader.setting(*s, o.value, o.value, o.path), reader.at(o.value, o.path)};
  }
  return spec;
}

json canonical_spec(const Spec& spec) {
  const auto settings = [](const Settings& s) {
    json out = json::object();
    for (const auto& [path, v] : s) out[path] = v.value;
    return out;
  };
  const auto cell = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  const worker::DataConfig& d = spec.data;
  json out = {
      {"sweep", spec.name},
      {"tables", spec.tables},
      {"seed", spec.seed},
      {"data",
       {{"source", d.source}, {"root", d.root}, {"test_root", d.test_root}, {"height", d.height},
        {"width", d.width}, {"train_pairs", d.train_pairs}, {"val_pairs", d.val_pairs},
        {"test_pairs", d.test_pairs}, {"split_seed", d.split_seed},
        {"synthetic",
         {{"count", d.synthetic.count}, {"size", d.synthetic.size}, {"seed", d.synthetic.seed},
          {"focus", d.synthetic.focus}, {"aperture", d.synthetic.aperture}}}}},
      {"metrics", {{"lpips_weights", spec.lpips_weights}}},
      {"resources",
       {{"device", spec.resources.device}, {"threads", spec.resources.threads},
        {"max_attempts", spec.resources.max_attempts}, {"ranks_per_run", spec.resources.ranks_per_run},
        {"runs_per_gpu", spec.resources.runs_per_gpu}}},
      {"base", settings(spec.base)},
      {"set", settings(spec.forced)},
      {"runs", json::array()},
      {"grid", json::array()},
      {"references", json::array()},
  };
  for (const RunEntry& r : spec.runs) out["runs"].push_back({{"name", r.name}, {"settings", settings(r.settings)}});
  for (const GridAxis& g : spec.grid) out["grid"].push_back({{"key", g.path}, {"values", g.values}});
  for (const Reference& r : spec.references) {
    out["references"].push_back({{"name", r.name}, {"source", r.source}, {"epochs", cell(r.epochs)},
                                 {"params_m", cell(r.params_m)}, {"runtime_min", cell(r.runtime_min)},
                                 {"psnr", cell(r.psnr)}, {"ssim", cell(r.ssim)}, {"lpips", cell(r.lpips)}});
  }
  return out;
}

}  // namespace bokeh::orchestrator
