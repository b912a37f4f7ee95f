// Sweep spec parsing: the document's sections, --set overrides and validation (see sweeps/README.md).
#include "orchestrator/spec/spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/run_settings.h"
#include "orchestrator/spec/search_spec.h"
#include "orchestrator/spec/spec_overrides.h"
#include "orchestrator/spec/spec_sections.h"
#include "orchestrator/spec/sweep_size.h"
#include "orchestrator/spec/yaml_reader.h"

namespace bokeh::orchestrator {
namespace {

const std::vector<std::string> kTopKeys = {"sweep",     "tables",  "seed",    "data",           "base",
                                           "runs",      "grid",    "search",  "early_stopping", "references",
                                           "resources", "metrics", "repeats", "select",         "quick"};
const std::vector<std::string> kRunSections = {"model", "train", "loss"};

std::string what_text(const SourceLocation& where, const std::string& message) {
  std::string text = where.source;
  if (where.line > 0) text += fmt::format(":{}", where.line);
  if (!where.key.empty()) text += ": " + where.key;
  return text + ": " + message;
}

std::vector<std::string> setting_paths() {
  std::vector<std::string> paths;
  for (const common::Setting& s : common::run_settings()) paths.push_back(s.path);
  return paths;
}

bool is_setting_section(const std::string& path) {
  for (const common::Setting& s : common::run_settings()) {
    if (s.path.compare(0, path.size() + 1, path + ".") == 0) return true;
  }
  return false;
}

class SpecParser {
 public:
  SpecParser(Spec& spec, YamlReader reader) : spec_(spec), r_(std::move(reader)) {}

  void read(const YAML::Node& root) {
    if (!root.IsMap()) r_.fail(root, "", "the spec must be a map of keys (sweep, data, base, runs, grid, ...)");
    spec_.base_where = r_.at(root, "base");
    bool named = false;
    bool search_seeded = false;
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
        if (spec_.name.size() > kMaxNameLength)
          r_.fail(e.key, e.path,
                  fmt::format("is {} characters long; at most {} (it names result folders and files)",
                              spec_.name.size(), kMaxNameLength));
        named = true;
      } else if (e.name == "tables") {
        spec_.locations["tables"] = r_.at(e.key, e.path);
        read_tables(e);
      } else if (e.name == "seed") {
        spec_.seed = static_cast<uint64_t>(r_.integer(e.value, e.key, e.path, 0));
      } else if (e.name == "repeats") {
        spec_.repeats = r_.integer(e.value, e.key, e.path, 1);
        spec_.locations["repeats"] = r_.at(e.key, e.path);
      } else if (e.name == "data") {
        read_data(r_, e, spec_);
      } else if (e.name == "base") {
        spec_.base_where = r_.at(e.key, e.path);
        read_settings(e.value, e.key, e.path, "", spec_.base, nullptr);
      } else if (e.name == "runs") {
        read_runs(e);
      } else if (e.name == "grid") {
        read_grid(e);
      } else if (e.name == "search") {
        const SettingWalker walk = [&](const YamlEntry& map, const SettingLeaf& leaf) {
          walk_settings(map.value, map.key, map.path, "", leaf, nullptr);
        };
        spec_.search = read_search(r_, e, walk, search_seeded);
      } else if (e.name == "early_stopping") {
        spec_.early_stopping = read_early_stopping(r_, e);
      } else if (e.name == "references") {
        spec_.references = read_references(r_, e);
      } else if (e.name == "resources") {
        spec_.resources = read_resources(r_, e);
      } else if (e.name == "select") {
        read_select(e);
      } else if (e.name == "quick") {
        read_quick(e);
      } else {
        for (const YamlEntry& m : r_.entries(e.value, e.key, e.path)) {
          r_.require_known(m, {"lpips_weights", "inference_repeats"});
          spec_.locations[m.path] = r_.at(m.key, m.path);
          if (m.name == "inference_repeats") {
            spec_.inference_repeats = r_.integer(m.value, m.key, m.path, 0);
            if (spec_.inference_repeats > kMaxInferenceRepeats)
              r_.fail(m.key, m.path,
                      fmt::format("must be at most {} (got {})", kMaxInferenceRepeats, spec_.inference_repeats));
            continue;
          }
          const bool none = m.value.IsNull() || (m.value.IsScalar() && m.value.Scalar().empty());
          spec_.lpips_weights = none ? "" : r_.string(m.value, m.key, m.path);
        }
      }
    }
    if (!named) r_.fail(root, "sweep", "missing: every spec names its sweep (sweep: NAME)");
    if (spec_.data.source == "synthetic") size_synthetic_data(spec_);
    if (spec_.search.method != SearchMethod::None && !search_seeded) spec_.search.seed = spec_.seed;
    if (!spec_.search.objectives.empty() && spec_.early_stopping.method != StoppingMethod::None) {
      if (!spec_.early_stopping.metric_where.source.empty()) {
        throw SpecError(spec_.early_stopping.metric_where,
                        fmt::format("early stopping ranks runs by search.objectives (line {}): leave "
                                    "early_stopping.metric out",
                                    spec_.search.objectives_where.line));
      }
      spec_.early_stopping.objectives = spec_.search.objectives;
    }
    check_sweep_size(spec_);
  }

 private:
  using Leaf = SettingLeaf;

  // `quick: {KEY: VALUE, ...}`: --set arguments for --quick, each parsed as one now (checked when applied).
  void read_quick(const YamlEntry& e) {
    if (!e.value.IsMap()) r_.fail(e.key, e.path, "must be a map of keys to set under --quick, e.g. {model.width: 8}");
    for (const YamlEntry& m : r_.entries(e.value, e.key, e.path)) {
      YAML::Emitter value;
      value << YAML::Flow << m.value;
      const std::string argument = m.name + "=" + value.c_str();
      try {
        parse_override(argument);
      } catch (const SpecError& error) {
        r_.fail(m.key, m.path, error.what());
      }
      spec_.quick.push_back(argument);
    }
  }

  // A run's name ends up in figure legends, file names and command lines: bounded, one line, no '/'.
  void check_run_name(const std::string& name, const YamlEntry& e) {
    if (name.size() > kMaxNameLength)
      r_.fail(e.key, e.path,
              fmt::format("is {} characters long; at most {} (run names name files)", name.size(), kMaxNameLength));
    for (const char c : name)
      if (c == '/' || static_cast<unsigned char>(c) < 0x20)
        r_.fail(e.key, e.path, "may not hold '/' or control characters (run names name files)");
  }

  // Walks a map of run settings, nested (train: {lr: ...}) or dotted (train.lr: ...), calling
  // `leaf` for each setting; `run` (when given) receives a run's optional `name` and `reading` keys.
  void walk_settings(const YAML::Node& map, const YAML::Node& mark, const std::string& doc_path,
                     const std::string& prefix, const Leaf& leaf, RunEntry* run) {
    for (const YamlEntry& e : r_.entries(map, mark, doc_path)) {
      if (run && prefix.empty() && (e.name == "name" || e.name == "reading")) {
        (e.name == "name" ? run->name : run->reading) = r_.string(e.value, e.key, e.path);
        if (e.name == "name") check_run_name(run->name, e);
        continue;
      }
      if (run && prefix.empty() && e.name == "repeats") {
        run->repeats = r_.integer(e.value, e.key, e.path, 1);
        continue;
      }
      const std::string path = prefix.empty() ? e.name : prefix + "." + e.name;
      if (const common::Setting* s = common::find_setting(path)) {
        leaf(*s, e);
      } else if (is_setting_section(path)) {
        if (!e.value.IsMap()) r_.fail(e.key, e.path, fmt::format("must be a map of {}.* settings", path));
        walk_settings(e.value, e.key, e.path, path, leaf, nullptr);
      } else {
        std::vector<std::string> known = setting_paths();
        if (run) known.insert(known.end(), {"name", "reading", "repeats"});
        r_.fail(
            e.key, e.path,
            fmt::format("unknown run setting \"{}\"{}; sweeps/README.md lists them", path, did_you_mean(path, known)));
      }
    }
  }

  void read_settings(const YAML::Node& map, const YAML::Node& mark, const std::string& doc_path,
                     const std::string& prefix, Settings& out, RunEntry* run) {
    walk_settings(
        map, mark, doc_path, prefix,
        [&](const common::Setting& s, const YamlEntry& e) {
          if (out.count(s.path)) r_.fail(e.key, e.path, fmt::format("sets {} a second time", s.path));
          out[s.path] = SettingValue{r_.setting(s, e.value, e.key, e.path), r_.at(e.key, e.path)};
        },
        run);
  }

  void read_runs(const YamlEntry& e) {
    if (!e.value.IsSequence()) r_.fail(e.key, e.path, "must be a list of runs ({name: ..., settings...})");
    if (e.value.size() == 0) r_.fail(e.key, e.path, "is empty: list at least one run, or leave runs out");
    for (size_t i = 0; i < e.value.size(); ++i) {
      const YAML::Node item = e.value[i];
      const std::string path = fmt::format("runs[{}]", i);
      if (!item.IsMap()) r_.fail(item, path, "each run must be a map of settings (with an optional name)");
      RunEntry run{"", r_.at(item, path), {}, ""};
      read_settings(item, item, path, "", run.settings, &run);
      spec_.runs.push_back(std::move(run));
    }
  }

  void read_grid(const YamlEntry& e) {
    spec_.grid_where = r_.at(e.key, e.path);
    walk_settings(
        e.value, e.key, e.path, "",
        [&](const common::Setting& s, const YamlEntry& axis) {
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
        },
        nullptr);
    if (spec_.grid.empty()) r_.fail(e.key, e.path, "empty grid: give at least one setting with a list of values");
  }

  // `tables`: a list of table numbers, or a map from table number to its rows (`all` or run names).
  void read_tables(const YamlEntry& e) {
    if (e.value.IsSequence()) {
      for (size_t i = 0; i < e.value.size(); ++i) add_table(e.value[i], fmt::format("tables[{}]", i));
      return;
    }
    if (!e.value.IsMap())
      r_.fail(e.key, e.path,
              "must be a list of the study's table numbers (1..4), or a map from table number to "
              "its rows (all, or a list of run names)");
    for (const YamlEntry& t : r_.entries(e.value, e.key, e.path)) {
      const int64_t number = add_table(t.key, t.path);
      TableRows rows;
      rows.where = r_.at(t.key, t.path);
      if (t.value.IsScalar() && t.value.Scalar() == "all") {
        rows.all = true;
      } else if (t.value.IsSequence() && t.value.size() > 0) {
        for (size_t i = 0; i < t.value.size(); ++i) {
          const std::string path = fmt::format("{}[{}]", t.path, i);
          rows.runs.push_back(r_.string(t.value[i], t.value[i], path));
          if (std::count(rows.runs.begin(), rows.runs.end(), rows.runs.back()) > 1)
            r_.fail(t.value[i], path, fmt::format("run \"{}\" named twice", rows.runs.back()));
        }
      } else {
        r_.fail(t.key, t.path, "must be all or a non-empty list of run names");
      }
      spec_.table_rows[number] = std::move(rows);
    }
  }

  // `select: {metric, mode}`: what the tables' best runs are chosen by.
  void read_select(const YamlEntry& e) {
    if (!e.value.IsMap()) r_.fail(e.key, e.path, "must be a map: {metric: val_psnr}");
    std::optional<YamlEntry> metric, mode;
    for (const YamlEntry& f : r_.entries(e.value, e.key, e.path)) {
      r_.require_known(f, {"metric", "mode"});
      (f.name == "metric" ? metric : mode) = f;
    }
    if (!metric) r_.fail(e.key, e.path + ".metric", "missing: the figure the best runs are chosen by");
    spec_.select = read_objective(r_, *metric, mode);
    if (common::best_epoch_figure(*spec_.select).empty())
      r_.fail(metric->key, metric->path,
              fmt::format("runs are chosen by a validation figure at their best epoch: one of {}",
                          fmt::join(common::comparable_objective_names(), ", ")) +
                  " (or val_loss where every run has the same loss weights)");
    spec_.select_where = r_.at(metric->key, metric->path);
  }

  int64_t add_table(const YAML::Node& node, const std::string& path) {
    const int64_t t = r_.integer(node, node, path, 1);
    if (t > 4) r_.fail(node, path, fmt::format("the study has tables 1..4 (got {})", t));
    if (std::count(spec_.tables.begin(), spec_.tables.end(), t)) r_.fail(node, path, "listed twice");
    spec_.tables.push_back(t);
    return t;
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
    const common::Setting* s = common::find_setting(o.path);
    if (!s) {
      throw SpecError(
          SourceLocation{"--set " + o.argument, 0, o.path},
          fmt::format("unknown run setting{}; sweeps/README.md lists them", did_you_mean(o.path, setting_paths())));
    }
    spec.forced[o.path] = SettingValue{reader.setting(*s, o.value, o.value, o.path), reader.at(o.value, o.path)};
  }
  return spec;
}

SourceLocation spec_location(const Spec& spec, const std::string& key) {
  const auto it = spec.locations.find(key);
  return it != spec.locations.end() ? it->second : SourceLocation{spec.file, 0, key};
}

}  // namespace bokeh::orchestrator
