// The `search:` and `early_stopping:` sections of a spec.
#include "orchestrator/spec/search_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace bokeh::orchestrator {
namespace {

// The two endpoints [low, high] of a range distribution, each a valid value of the setting.
std::pair<double, double> read_range(const YamlReader& r, const common::Setting& s, const YamlEntry& e) {
  if (!e.value.IsSequence() || e.value.size() != 2) r.fail(e.key, e.path, "must be a range [low, high]");
  const double low = r.setting(s, e.value[0], e.value[0], e.path + "[0]").get<double>();
  const double high = r.setting(s, e.value[1], e.value[1], e.path + "[1]").get<double>();
  if (!(low < high)) r.fail(e.key, e.path, fmt::format("low must be below high (got [{}, {}])", low, high));
  return {low, high};
}

SearchDimension read_dimension(const YamlReader& r, const common::Setting& s, const YamlEntry& d) {
  SearchDimension dim;
  dim.path = s.path;
  dim.where = r.at(d.key, d.path);
  if (!d.value.IsMap()) {
    r.fail(d.key, d.path,
           "must be a distribution: {loguniform: [a, b]}, {uniform: [a, b]}, {int: [a, b]} "
           "(with log: true for a log scale) or {choice: [...]}");
  }
  std::optional<YamlEntry> given, log;
  for (const YamlEntry& f : r.entries(d.value, d.key, d.path)) {
    std::vector<std::string> known = kind_names<Distribution>();
    known.insert(known.begin(), "log");
    r.require_known(f, known);
    if (f.name == "log") {
      log = f;
    } else {
      if (given) r.fail(f.key, f.path, fmt::format("one distribution per setting ({} is given too)", given->name));
      given = f;
    }
  }
  if (!given) r.fail(d.key, d.path, "missing its distribution: one of uniform, loguniform, int, choice");
  const YamlEntry& f = *given;
  const bool integer = s.kind == common::SettingKind::Integer, real = s.kind == common::SettingKind::Real;
  dim.distribution = parse_kind<Distribution>(f.name);
  if (dim.distribution == Distribution::Choice) {
    if (!f.value.IsSequence() || f.value.size() == 0) r.fail(f.key, f.path, "must be a non-empty list of values");
    for (size_t i = 0; i < f.value.size(); ++i)
      dim.choices.push_back(r.setting(s, f.value[i], f.value[i], fmt::format("{}[{}]", f.path, i)));
  } else if (dim.distribution == Distribution::Integer) {
    if (!integer) {
      r.fail(f.key, f.path, fmt::format("{} is not an integer setting: use uniform, loguniform or choice", s.path));
    }
    std::tie(dim.low, dim.high) = read_range(r, s, f);
  } else {
    if (!real) {
      r.fail(
          f.key, f.path,
          fmt::format("{} is not a real-valued setting: use {}", s.path, integer ? "int: [a, b] or choice" : "choice"));
    }
    std::tie(dim.low, dim.high) = read_range(r, s, f);
    if (dim.distribution == Distribution::LogUniform && !(dim.low > 0))
      r.fail(f.key, f.path, fmt::format("needs low > 0 (got {})", dim.low));
  }
  if (log) {
    if (dim.distribution != Distribution::Integer)
      r.fail(log->key, log->path, "log: applies to int ranges only (use loguniform for numbers)");
    bool b = false;
    if (!log->value.IsScalar() || !YAML::convert<bool>::decode(log->value, b)) {
      r.fail(log->key, log->path, "must be true or false");
    }
    dim.log = b;
    if (b && dim.low < 1) r.fail(log->key, log->path, fmt::format("a log scale needs low >= 1 (got {})", dim.low));
  }
  return dim;
}

// `objectives: [{metric, mode}, ...]`: 2 or 3 different figures.
std::vector<common::Objective> read_objectives(const YamlReader& r, const YamlEntry& e) {
  if (!e.value.IsSequence() || e.value.size() < 2 || e.value.size() > 3) {
    r.fail(e.key, e.path,
           "must be a list of 2 or 3 objectives, e.g. [{metric: val_psnr, mode: max}, {metric: params, mode: min}] "
           "(one objective: search.metric)");
  }
  std::vector<common::Objective> out;
  for (size_t i = 0; i < e.value.size(); ++i) {
    const YAML::Node item = e.value[i];
    const std::string path = fmt::format("{}[{}]", e.path, i);
    if (!item.IsMap()) r.fail(item, path, "must be a map: {metric: val_psnr, mode: max}");
    std::optional<YamlEntry> metric, mode;
    for (const YamlEntry& f : r.entries(item, item, path)) {
      r.require_known(f, {"metric", "mode"});
      (f.name == "metric" ? metric : mode) = f;
    }
    if (!metric) r.fail(item, path + ".metric", "missing: the figure to search for");
    const common::Objective objective = read_objective(r, *metric, mode, true);
    for (const common::Objective& other : out) {
      if (other.metric == objective.metric) r.fail(metric->key, metric->path, "names an objective a second time");
    }
    out.push_back(objective);
  }
  return out;
}

// The bound a figure cannot pass whatever the weights (a similarity at most 1, an error or distance at
// least 0): a reference point at or beyond it has no value better than it. nullopt: unbounded there.
std::optional<double> best_possible(const common::Objective& objective) {
  const std::string& m = objective.metric;
  if (m.ends_with("ssim")) return 1.0;
  if (m.ends_with("l1") || m.ends_with("lpips") || m == "params" || m == "flops") return 0.0;
  return std::nullopt;
}

// `reference_point: [v1, v2(, v3)]`: one number per objective, each short of what its figure can reach.
std::vector<double> read_reference_point(const YamlReader& r, const YamlEntry& e,
                                         const std::vector<common::Objective>& objectives) {
  if (objectives.empty()) r.fail(e.key, e.path, "applies to search.objectives (a multi-objective search) only");
  if (!e.value.IsSequence() || e.value.size() != objectives.size())
    r.fail(
        e.key, e.path,
        fmt::format("must be a list of {} numbers, one per objective in search.objectives' order", objectives.size()));
  std::vector<double> point;
  for (size_t i = 0; i < objectives.size(); ++i) {
    const std::string path = fmt::format("{}[{}]", e.path, i);
    const double v = r.real(e.value[i], e.value[i], path);
    const std::optional<double> bound = best_possible(objectives[i]);
    if (bound && (objectives[i].higher_is_better ? v >= *bound : v <= *bound))
      r.fail(e.value[i], path,
             fmt::format("{} cannot be better than {} ({} is {}), so no run would dominate this reference point",
                         objectives[i].metric, *bound, objectives[i].metric,
                         objectives[i].higher_is_better ? "at most that" : "at least that"));
    point.push_back(v);
  }
  return point;
}

}  // namespace

common::Objective read_objective(const YamlReader& r, const YamlEntry& metric, const std::optional<YamlEntry>& mode,
                                 bool with_static) {
  const std::string name = r.choice(metric.value, metric.key, metric.path,
                                    with_static ? search_objective_names() : common::objective_names());
  const common::Objective objective = *find_search_objective(name);
  if (mode) {
    const std::string better = objective.higher_is_better ? "max" : "min";
    if (r.choice(mode->value, mode->key, mode->path, {"min", "max"}) != better) {
      r.fail(mode->key, mode->path,
             fmt::format("{} is better {}: its mode is {} (or leave mode out)", name,
                         objective.higher_is_better ? "higher" : "lower", better));
    }
  }
  return objective;
}

SearchSpace read_search(const YamlReader& r, const YamlEntry& e, const SettingWalker& walk, bool& seed_given) {
  SearchSpace space;
  space.where = r.at(e.key, e.path);
  seed_given = false;
  std::optional<YamlEntry> space_entry, startup_entry, metric, mode, objectives, reference;
  for (const YamlEntry& f : r.entries(e.value, e.key, e.path)) {
    r.require_known(f, {"method", "trials", "seed", "space", "n_startup_trials", "budget_epochs", "metric", "mode",
                        "objectives", "reference_point"});
    if (f.name == "objectives") {
      objectives = f;
    } else if (f.name == "reference_point") {
      reference = f;
    } else if (f.name == "metric") {
      metric = f;
    } else if (f.name == "mode") {
      mode = f;
    } else if (f.name == "method") {
      space.method = parse_kind<SearchMethod>(r.choice(f.value, f.key, f.path, kind_names<SearchMethod>()));
    } else if (f.name == "n_startup_trials") {
      space.n_startup_trials = r.integer(f.value, f.key, f.path, 1);
      startup_entry = f;
    } else if (f.name == "budget_epochs") {
      space.budget_epochs = r.integer(f.value, f.key, f.path, 1);
      space.budget_where = r.at(f.key, f.path);
    } else if (f.name == "trials") {
      space.trials = r.integer(f.value, f.key, f.path, 1);
    } else if (f.name == "seed") {
      space.seed = static_cast<uint64_t>(r.integer(f.value, f.key, f.path, 0));
      seed_given = true;
    } else {
      space_entry = f;
    }
  }
  if (space.method == SearchMethod::None) r.fail(e.key, e.path + ".method", "missing: random, sobol or tpe");
  if (mode && !metric) r.fail(mode->key, mode->path, "applies to search.metric: name the metric too");
  if (metric) {
    space.metric = read_objective(r, *metric, mode);
    space.metric_where = r.at(metric->key, metric->path);
  }
  if (objectives) {
    if (metric) {
      r.fail(objectives->key, objectives->path,
             fmt::format("searches several objectives: leave search.metric out (line {})", space.metric_where.line));
    }
    space.objectives = read_objectives(r, *objectives);
    space.objectives_where = r.at(objectives->key, objectives->path);
  }
  if (reference) space.reference_point = read_reference_point(r, *reference, space.objectives);
  if (space.trials == 0 && space.budget_epochs == 0)
    r.fail(e.key, e.path + ".trials", "missing: how many trials to sample (or search.budget_epochs, a stopping rule)");
  if (startup_entry && space.method != SearchMethod::Tpe)
    r.fail(startup_entry->key, startup_entry->path, "applies to method tpe only");
  if (!space_entry) r.fail(e.key, e.path + ".space", "missing: the run settings to sample and their distributions");
  walk(*space_entry, [&](const common::Setting& s, const YamlEntry& d) {
    for (const SearchDimension& other : space.dimensions) {
      if (other.path == s.path) r.fail(d.key, d.path, fmt::format("samples {} a second time", s.path));
    }
    space.dimensions.push_back(read_dimension(r, s, d));
  });
  if (space.dimensions.empty()) {
    r.fail(space_entry->key, space_entry->path, "is empty: give at least one setting to sample");
  }
  const bool single_point = std::all_of(space.dimensions.begin(), space.dimensions.end(), [](const SearchDimension& d) {
    return d.distribution == Distribution::Choice && d.choices.size() == 1;
  });
  if (space.method == SearchMethod::Tpe && single_point) {
    r.fail(space_entry->key, space_entry->path,
           "holds a single point (every setting a choice of one value): tpe has nothing to learn; use runs: or grid:");
  }
  // TPE's startup trials are Sobol points too.
  if (space.method != SearchMethod::Random && space.dimensions.size() > kSobolMaxDimensions) {
    r.fail(
        space_entry->key, space_entry->path,
        fmt::format("Sobol points have at most {} dimensions (got {})", kSobolMaxDimensions, space.dimensions.size()));
  }
  return space;
}

EarlyStopping read_early_stopping(const YamlReader& r, const YamlEntry& e) {
  EarlyStopping es;
  es.where = r.at(e.key, e.path);
  std::optional<YamlEntry> metric, mode;
  for (const YamlEntry& f : r.entries(e.value, e.key, e.path)) {
    r.require_known(f, {"method", "metric", "mode", "min_epochs", "reduction_factor"});
    if (f.name == "method")
      es.method = parse_kind<StoppingMethod>(r.choice(f.value, f.key, f.path, kind_names<StoppingMethod>()));
    else if (f.name == "metric")
      metric = f;
    else if (f.name == "mode")
      mode = f;
    else if (f.name == "min_epochs")
      es.min_epochs = r.integer(f.value, f.key, f.path, 1);
    else
      es.reduction_factor = r.integer(f.value, f.key, f.path, 2);
  }
  if (es.method == StoppingMethod::None) r.fail(e.key, e.path + ".method", "missing: asha");
  if (mode && !metric) r.fail(mode->key, mode->path, "applies to early_stopping.metric: name the metric too");
  if (metric) {
    es.metric = read_objective(r, *metric, mode);
    es.metric_where = r.at(metric->key, metric->path);
  }
  return es;
}

}  // namespace bokeh::orchestrator
