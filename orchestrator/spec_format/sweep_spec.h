// A sweep spec's structs, as the parser (spec.h) reads them from YAML and the canonical JSON
// (canonical_spec.h) writes and reads them back: no YAML here. See sweeps/README.md for the document.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/objective.h"
#include "common/reference.h"
#include "common/run_config.h"
#include "orchestrator/spec_format/search_names.h"

namespace bokeh::orchestrator {

// resources.stall_minutes: the default is far above any batch's time (the slowest measured CPU step is
// seconds), so only a hang reaches it; at most a week.
inline constexpr double kDefaultStallMinutes = 30;
inline constexpr double kMaxStallMinutes = 7 * 24 * 60;
// metrics.inference_repeats: timed renderings of a full-size photo per run (each a second or more on a CPU).
inline constexpr int64_t kMaxInferenceRepeats = 100;

// Where a value was written: a spec file and line, or a --set argument (line 0).
struct SourceLocation {
  std::string source;  // the spec's file name, or "--set key=value"
  int line = 0;        // 1-based; 0 for --set
  std::string key;     // dotted key path in the document, e.g. "base.train.lr", "runs[2].model.width"
};

// A run-setting value (see run_settings.h) and where it was written.
struct SettingValue {
  nlohmann::json value;
  SourceLocation where;
};
using Settings = std::map<std::string, SettingValue>;  // dotted setting path -> value

struct RunEntry {
  std::string name;  // "" when the spec gives none (a name is derived from its settings)
  SourceLocation where;
  Settings settings;
  std::string reading;  // `reading`: how this row was read from a study table that does not print it all ("" none)
  int64_t repeats = 0;  // `repeats`: training seeds of this run; 0 = the spec's `repeats`
};

struct GridAxis {
  std::string path;  // a run setting
  std::vector<nlohmann::json> values;
  SourceLocation where;
};

// One sampled run setting of `search.space` (see search_points.h for how a unit number becomes a value).
struct SearchDimension {
  std::string path;  // a run setting
  Distribution distribution = Distribution::Uniform;
  double low = 0, high = 0;             // Uniform, LogUniform, Integer: the closed range
  bool log = false;                     // Integer: log scale
  std::vector<nlohmann::json> choices;  // Choice: values of the setting's type
  SourceLocation where;                 // empty when read back from a stored spec

  // Whether the range is drawn on a log scale: loguniform, or int with log.
  bool log_scale() const { return distribution == Distribution::LogUniform || log; }
};

// `search:`: trials sampled from a space, on top of `base`, besides runs and grid points. Trials are
// drawn lazily, when a worker needs one (orchestrator/search/sampler.h), never all up front.
struct SearchSpace {
  SearchMethod method = SearchMethod::None;
  int64_t trials = 0;                       // how many to draw; 0 = open-ended (then budget_epochs stops the sampling)
  uint64_t seed = 0;                        // defaults to the spec's seed
  int64_t n_startup_trials = 10;            // tpe: quasi-random (Sobol) trials before the model proposes
  int64_t budget_epochs = 0;                // stop sampling once the sweep's runs have this many epochs (0 = no budget)
  std::optional<common::Objective> metric;  // `search.metric`: what TPE models; unset: search_objective()'s default
  SourceLocation metric_where;
  // `search.objectives`: 2 or 3 figures searched together (a Pareto front); empty: one objective,
  // search_objective(). Each a per-epoch figure (common/objective.h) or a static one (params, flops).
  std::vector<common::Objective> objectives;
  SourceLocation objectives_where;
  // `search.reference_point`: the hypervolume's reference for `report --pareto`, one value per objective in
  // the report's units (params in millions, flops in TFLOP); empty: the report's default.
  std::vector<double> reference_point;
  std::vector<SearchDimension> dimensions;  // in spec order
  SourceLocation where;
  SourceLocation budget_where;  // where budget_epochs was written
};

// `early_stopping:`: ASHA rungs at min_epochs * reduction_factor^k below each run's train.epochs.
struct EarlyStopping {
  StoppingMethod method = StoppingMethod::None;
  common::Objective metric;  // ranked at the rung's epoch (val_loss unless `metric` names another)
  // With search.objectives (set from there by the parser; not in the canonical early_stopping): MO-ASHA
  // ranks a rung by them, non-dominated sorting with an ε-net tie-break, instead of `metric`.
  std::vector<common::Objective> objectives;
  SourceLocation metric_where;  // where `metric` was written (empty: not written, or read back)
  int64_t min_epochs = 1;
  int64_t reduction_factor = 3;
  SourceLocation where;  // empty when read back from a stored spec
};

struct Resources {
  std::string device = "auto";  // auto | cpu | cuda
  int64_t threads = 0;          // per worker; 0 = cores per node / workers per node
  int64_t max_attempts = 2;     // a failing run is tried this many times
  int64_t ranks_per_run = 1;
  int64_t runs_per_gpu = 1;  // worker ranks sharing one GPU (orchestrator/plan/gpu_mapping.h)
  // A training process that reports no batch for this long is taken for hung (stuck in an allocator,
  // a driver, a dead file system), killed, and its run fails this attempt. Not part of the canonical
  // spec: it shapes no result, so changing it needs no --fresh.
  double stall_minutes = kDefaultStallMinutes;
};

// The rows a spec names for one of its tables (`tables: {2: [VBase_1, VBase_2, VBase_3]}`).
struct TableRows {
  bool all = false;               // `all`: every run, in the sweep's order
  std::vector<std::string> runs;  // otherwise these runs, in this order
  SourceLocation where;           // empty when read back from a stored spec
};

struct Spec {
  std::string file;                         // as given to load_spec
  std::string text;                         // the file's text, unchanged
  std::string name;                         // `sweep`
  std::vector<int64_t> tables;              // in the spec's order
  std::map<int64_t, TableRows> table_rows;  // tables given as a map; the others pick their rows by default
  uint64_t seed = 0;
  int64_t repeats = 1;  // `repeats`: training seeds per configuration (grid points, runs without their own)
  common::DataConfig data;
  std::string lpips_weights;  // metrics.lpips_weights ("" = none)
  // metrics.inference_repeats: timed renderings of a full-size photo after each run's test (0 = none). Not
  // part of the spec's identity (the canonical spec leaves it out): changing it needs no --fresh.
  int64_t inference_repeats = 0;
  std::map<std::string, SourceLocation>
      locations;  // where each data.* and metrics.* key (and repeats, tables) was written
  Resources resources;
  SourceLocation base_where;  // where `base` is (or the file's first line)
  Settings base;
  std::vector<RunEntry> runs;
  std::vector<GridAxis> grid;
  SourceLocation grid_where;  // where `grid` is
  SearchSpace search;
  EarlyStopping early_stopping;
  // `select: {metric}`: what Tables 2 and 4 and `render --run best` choose runs by; unset:
  // selection_objective()'s default.
  std::optional<common::Objective> select;
  SourceLocation select_where;
  Settings forced;  // --set of a run setting (model.*, train.*, loss.*): applies to every run
  std::vector<common::Reference> references;
  std::vector<std::string> overrides;  // the --set arguments, as given
  // `quick:` what --quick sets besides its built-in data, as --set arguments ("runs.1.model.width=8"): a
  // spec's way to narrow its models for a CPU. Not part of the spec's identity.
  std::vector<std::string> quick;
};

// The objective the search models: search.metric, else early_stopping.metric when the spec stops runs
// early, else val_loss.
common::Objective search_objective(const Spec& spec);
common::Objective search_objective(const std::optional<common::Objective>& search_metric,
                                   const std::optional<EarlyStopping>& early_stopping);

// The objectives the search models and compares trials by: search.objectives, else the one
// search_objective().
std::vector<common::Objective> search_objectives(const Spec& spec);

// The figures known before training that a search objective may name (lower better): the run's
// parameter count (`params`) and its FLOPs estimate (`flops`); both from the planned run (RunRecord).
std::vector<std::string> static_objective_names();
bool is_static_objective(const common::Objective& objective);

// What `search.objectives` may name: the per-epoch objectives, then the static ones.
std::vector<std::string> search_objective_names();
std::optional<common::Objective> find_search_objective(const std::string& name);

// What Tables 2 and 4 and `render --run best` choose runs by: select.metric, else the first of the
// search's objectives (search_objectives()) with a best-epoch value (not train_loss, params or flops),
// else val_loss.
common::Objective selection_objective(const Spec& spec);
common::Objective selection_objective(const std::optional<common::Objective>& select,
                                      const std::vector<common::Objective>& searched);

}  // namespace bokeh::orchestrator
