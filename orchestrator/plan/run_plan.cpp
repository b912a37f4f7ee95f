// Grid expansion, sampled trials, canonical run configs and keys, names, duplicate removal and cross-setting checks.
#include "orchestrator/plan/run_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "common/model_arch.h"
#include "common/run_settings.h"
#include "orchestrator/plan/objective_check.h"
#include "orchestrator/plan/run_cost.h"
#include "orchestrator/plan/search_points.h"
#include "orchestrator/spec/yaml_reader.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

// One part of a derived name: w32, d3, lr2e-4, bs8, ep30, nobn, aug, ssim4, l1_2.
std::string name_part(const std::string& path, const json& value) {
  if (value.is_boolean()) {
    const std::string label = path == "model.batch_norm" ? "bn"
                              : path == "train.augment"  ? "aug"
                                                         : path.substr(path.rfind('.') + 1);
    return value.get<bool>() ? label : "no" + label;
  }
  if (value.is_string()) return path == "train.scheduler" && value == "none" ? "constlr" : value.get<std::string>();
  static const std::map<std::string, std::string> labels = {{"model.width", "w"},   {"model.depth", "d"},
                                                            {"train.lr", "lr"},     {"train.batch_size", "bs"},
                                                            {"train.epochs", "ep"}, {"train.weight_decay", "wd"}};
  const auto it = labels.find(path);
  std::string label = it != labels.end() ? it->second : path.substr(path.rfind('.') + 1);
  if (std::isdigit(static_cast<unsigned char>(label.back()))) label += "_";
  return label + common::format_setting_value(value);
}

// A run being assembled: its settings by layer (base, then its own, then --set) and where each came from.
struct Candidate {
  Candidate(std::string name_, SourceLocation where_) : name(std::move(name_)), where(std::move(where_)) {}

  std::string name;
  SourceLocation where;
  int64_t trial = 0;  // 1-based index of a sampled trial; 0 otherwise
  int64_t repeats = 1;
  json config = common::default_run_config();
  std::map<std::string, SourceLocation> origin;

  void apply(const std::string& path, const json& value, const SourceLocation& from) {
    common::set_setting_value(config, path, value);
    origin[path] = from;
  }
  void apply(const Settings& settings) {
    for (const auto& [path, v] : settings) apply(path, v.value, v.where);
  }
  double real(const std::string& path) const { return common::setting_value(config, path).get<double>(); }
  int64_t integer(const std::string& path) const { return common::setting_value(config, path).get<int64_t>(); }
  // Where a setting was written, or (a default) the run's own place.
  SourceLocation place(const std::string& path) const {
    auto it = origin.find(path);
    if (it != origin.end()) return it->second;
    return SourceLocation{where.source, where.line, path};
  }
  std::string shown(const std::string& path) const {
    return common::setting_value(config, path).dump() + (origin.count(path) ? "" : " (the default)");
  }
};

// The titles of the archs a model setting applies to: "U-Net".
std::string archs_built_from(const std::string& setting) {
  std::vector<std::string> titles;
  for (const common::ModelFacts* arch : common::model_archs()) {
    const std::vector<std::string> settings = arch->settings();
    if (std::find(settings.begin(), settings.end(), setting) != settings.end()) titles.push_back(arch->title());
  }
  return fmt::format("{}", fmt::join(titles, ", "));
}

void check(const Candidate& c, const Spec& spec) {
  if (c.real("loss.l1") == 0 && c.real("loss.ssim") == 0 && c.real("loss.lpips") == 0) {
    throw SpecError(c.place("loss.l1"), "loss.l1, loss.ssim and loss.lpips are all 0: the run would learn nothing");
  }
  if (c.real("loss.lpips") > 0 && spec.lpips_weights.empty()) {
    throw SpecError(c.place("loss.lpips"),
                    fmt::format("is {} but metrics.lpips_weights is not set: LPIPS needs the AlexNet + "
                                "LPIPS weights file, which cannot be downloaded at run time; make it with "
                                "tools/export_lpips_weights.py (see sweeps/README.md) and set "
                                "metrics.lpips_weights, or set loss.lpips: 0",
                                c.shown("loss.lpips")));
  }
  const int64_t side = std::min(spec.data.height, spec.data.width);
  if (c.real("loss.lpips") > 0 && side < 31) {  // AlexNet's first conv and pools need 31 pixels
    throw SpecError(c.place("loss.lpips"), fmt::format("is {} but LPIPS needs images of at least 31x31 "
                                                       "(data is {}x{})",
                                                       c.shown("loss.lpips"), spec.data.height, spec.data.width));
  }
  const int64_t ranks = spec.resources.ranks_per_run;
  if (c.integer("train.batch_size") % ranks != 0) {
    throw SpecError(c.place("train.batch_size"),
                    fmt::format("is {} but resources.ranks_per_run is {}: a run's batch is split evenly over its "
                                "ranks, so the batch size must be a multiple of {}",
                                c.shown("train.batch_size"), ranks, ranks));
  }
  const common::ModelConfig model = common::train_config_from_json(c.config).model;
  const common::ModelFacts& facts = common::model_facts(model);
  const std::vector<std::string> built_from = facts.settings();
  for (const common::Setting& s : common::run_settings()) {  // an arch's own switch set on another arch
    if (!s.omitted_at_default || s.path == "model.arch" || !s.path.starts_with("model.")) continue;
    if (common::setting_value(c.config, s.path) == s.default_value ||
        std::find(built_from.begin(), built_from.end(), s.path) != built_from.end())
      continue;
    throw SpecError(c.place(s.path), fmt::format("is {} but {} is not built from it (it applies to the {})",
                                                 c.shown(s.path), facts.title(), archs_built_from(s.path)));
  }
  if (std::optional<common::SizeProblem> problem =
          common::model_facts(model).size_problem(model, spec.data.height, spec.data.width))
    throw SpecError(c.place(problem->setting), fmt::format("is {} but {}", c.shown(problem->setting), problem->reason));
  if (std::optional<std::string> reason =
          common::halving_problem(c.integer("loss.focus.levels"), spec.data.height, spec.data.width))
    throw SpecError(c.place("loss.focus.levels"), fmt::format("is {} but {}", c.shown("loss.focus.levels"), *reason));
}

void add_grid_points(const Spec& spec, const std::function<void(Candidate)>& finish) {
  bool any_varies = false;
  for (const GridAxis& axis : spec.grid) any_varies = any_varies || axis.values.size() > 1;
  std::vector<size_t> index(spec.grid.size(), 0);
  while (!spec.grid.empty()) {
    Candidate c{"", spec.grid.front().where};
    c.repeats = spec.repeats;
    c.apply(spec.base);
    for (size_t a = 0; a < spec.grid.size(); ++a) {
      const GridAxis& axis = spec.grid[a];
      c.apply(axis.path, axis.values[index[a]], axis.where);
      if (axis.values.size() > 1 || !any_varies) {
        c.name += (c.name.empty() ? "" : "-") + name_part(axis.path, axis.values[index[a]]);
      }
    }
    finish(std::move(c));
    size_t a = spec.grid.size();  // odometer, last axis fastest
    while (a > 0 && ++index[a - 1] == spec.grid[a - 1].values.size()) index[--a] = 0;
    if (a == 0) break;
  }
}

// The last touches of every run: --set, then the cross-setting checks.
void finish_candidate(Candidate& c, const Spec& spec) {
  for (const auto& [path, v] : spec.forced) c.apply(path, v.value, v.where);
  check(c, spec);
}

// Sampled trial `trial` (1-based) with `values` (one per dimension), named trial-01.., on top of base.
Candidate trial_candidate(const Spec& spec, int64_t trial, const std::vector<json>& values) {
  const SearchSpace& space = spec.search;
  const int digits = static_cast<int>(std::to_string(space.trials > 0 ? space.trials : 1000).size());
  Candidate c{fmt::format("trial-{:0{}}", trial, std::max(digits, 2)), space.where};
  c.trial = trial;
  c.apply(spec.base);
  for (size_t d = 0; d < values.size(); ++d) c.apply(space.dimensions[d].path, values[d], space.dimensions[d].where);
  finish_candidate(c, spec);
  return c;
}

// The run of candidate `c` (its first repeat, with the candidate's K).
PlannedRun planned(const Spec& spec, const Candidate& c) {
  const std::string key = config_key(c.config);
  const common::TrainConfig train = common::train_config_from_json(c.config, 0);
  return PlannedRun{c.name,
                    key,
                    c.config,
                    c.where,
                    config_seed(spec.seed, c.config),
                    train.epochs,
                    model_parameters(train.model),
                    training_flops(train.model, spec.data, train.epochs),
                    c.trial,
                    0,
                    c.repeats,
                    key};
}

std::vector<Candidate> candidates(const Spec& spec) {
  std::vector<Candidate> out;
  const std::function<void(Candidate)> finish = [&](Candidate c) {
    finish_candidate(c, spec);
    out.push_back(std::move(c));
  };
  for (const RunEntry& entry : spec.runs) {
    Candidate c{entry.name, entry.where};
    c.repeats = entry.repeats > 0 ? entry.repeats : spec.repeats;
    c.apply(spec.base);
    c.apply(entry.settings);
    if (c.name.empty()) {
      for (const common::Setting& s : common::run_settings()) {
        if (entry.settings.count(s.path))
          c.name += (c.name.empty() ? "" : "-") + name_part(s.path, entry.settings.at(s.path).value);
      }
      if (c.name.empty()) c.name = "base";
    }
    finish(std::move(c));
  }
  add_grid_points(spec, finish);
  if (spec.runs.empty() && spec.grid.empty() && spec.search.method == SearchMethod::None) {
    Candidate c{"base", spec.base_where};
    c.repeats = spec.repeats;
    c.apply(spec.base);
    finish(std::move(c));
  }
  return out;
}

// Every run a table names is a run of the plan (a name listed again for the same config is not: its
// results are stored under the first name).
void check_table_rows(const Spec& spec, const RunPlan& plan) {
  std::vector<std::string> names;
  for (const PlannedRun& r : plan.runs) names.push_back(r.name);
  for (const auto& [number, rows] : spec.table_rows) {
    for (const std::string& name : rows.runs) {
      if (std::find(names.begin(), names.end(), name) != names.end()) continue;
      const auto dup = std::find_if(plan.duplicates.begin(), plan.duplicates.end(),
                                    [&](const DuplicateRun& d) { return d.name == name; });
      if (dup != plan.duplicates.end())
        throw SpecError(rows.where, fmt::format("table {} names \"{}\", the same run as \"{}\": name that one", number,
                                                name, dup->same_as));
      throw SpecError(rows.where, fmt::format("table {} names run \"{}\", which the spec does not define{}", number,
                                              name, did_you_mean(name, names)));
    }
  }
}

// ASHA needs a rung below some run's last epoch; a budget must hold one trial.
void check_early_stopping(const Spec& spec, const std::vector<Candidate>& runs, const std::vector<PlannedRun>& trials) {
  const int64_t budget = spec.search.budget_epochs;
  for (const PlannedRun& t : trials) {
    const int64_t epochs = common::setting_value(t.config, "train.epochs").get<int64_t>();
    if (budget > 0 && budget < epochs) {
      throw SpecError(spec.search.budget_where,
                      fmt::format("is {} but one trial trains {} epochs (train.epochs of {}): the budget would stop "
                                  "the sweep before its first trial ends",
                                  budget, epochs, t.name));
    }
  }
  const EarlyStopping& es = spec.early_stopping;
  if (es.method == StoppingMethod::None) return;
  int64_t most = 0;
  for (const Candidate& c : runs) most = std::max(most, c.integer("train.epochs"));
  for (const PlannedRun& t : trials)
    most = std::max(most, common::setting_value(t.config, "train.epochs").get<int64_t>());
  if (most <= es.min_epochs) {
    throw SpecError(SourceLocation{es.where.source, es.where.line, "early_stopping.min_epochs"},
                    fmt::format("is {} but no run trains more epochs (train.epochs is at most {}): ASHA would "
                                "never stop a run",
                                es.min_epochs, most));
  }
}

}  // namespace

PlannedRun plan_trial(const Spec& spec, int64_t trial, const std::vector<nlohmann::json>& values) {
  return planned(spec, trial_candidate(spec, trial, values));
}

std::vector<PlannedRun> preview_trials(const Spec& spec) {
  const SearchSpace& space = spec.search;
  std::vector<PlannedRun> out;
  if (space.method == SearchMethod::None) return out;
  int64_t n = space.trials > 0 ? std::min(space.trials, kPreviewTrials) : kPreviewTrials;
  if (space.method == SearchMethod::Tpe) n = std::min(n, space.n_startup_trials);  // later ones follow from results
  for (int64_t t = 1; t <= n; ++t) out.push_back(plan_trial(spec, t, trial_values(space, t)));
  return out;
}

RunPlan plan_runs(const Spec& spec) {
  RunPlan plan;
  std::map<std::string, size_t> by_key;
  std::map<std::string, size_t> by_name;
  // Sampled trials are drawn one at a time as workers ask (orchestrator/search/sampler.h): each trains once.
  if (spec.repeats > 1 && spec.search.method != SearchMethod::None) {
    throw SpecError(spec.locations.at("repeats"),
                    fmt::format("is {}, but sampled trials (search:) train once each: repeats apply to runs: and "
                                "grid: points only, so a spec with search: keeps it at 1 (give a runs: entry its "
                                "own repeats instead)",
                                spec.repeats));
  }
  std::vector<Candidate> all = candidates(spec);
  plan.trials = preview_trials(spec);
  check_early_stopping(spec, all, plan.trials);
  for (Candidate& c : all) {
    const std::string key = config_key(c.config);
    if (auto it = by_key.find(key); it != by_key.end()) {
      plan.duplicates.push_back(DuplicateRun{c.name, c.where, plan.runs[it->second].name});
      continue;
    }
    if (auto it = by_name.find(c.name); it != by_name.end()) {
      const SourceLocation& first = plan.runs[it->second].where;
      throw SpecError(c.where, fmt::format("run name \"{}\" already names a different run ({}:{})", c.name,
                                           first.source, first.line));
    }
    const PlannedRun first = planned(spec, c);
    by_key[key] = plan.runs.size();
    for (int64_t r = 0; r < c.repeats; ++r) {
      PlannedRun run = first;
      if (r > 0) {
        run.name = fmt::format("{}-r{}", c.name, r + 1);
        run.repeat = r;
        run.config["repeat"] = r;
        run.key = config_key(run.config);
        if (auto it = by_name.find(run.name); it != by_name.end())
          throw SpecError(c.where, fmt::format("repeat {} of \"{}\" would be named \"{}\", which names another run "
                                               "({}:{})",
                                               r + 1, c.name, run.name, plan.runs[it->second].where.source,
                                               plan.runs[it->second].where.line));
      }
      run.seed = config_seed(spec.seed, run.config);
      by_name[run.name] = plan.runs.size();
      plan.runs.push_back(std::move(run));
    }
  }
  check_table_rows(spec, plan);
  check_objectives(spec, plan);
  return plan;
}

}  // namespace bokeh::orchestrator
