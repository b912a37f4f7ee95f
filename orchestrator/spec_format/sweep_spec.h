// A sweep spec's structs, as the parser (spec.h) reads them from YAML and the canonical JSON
// (canonical_spec.h) writes and reads them back: no YAML here. See sweeps/README.md for the document.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
  std::vector<SearchDimension> dimensions;  // in spec order
  SourceLocation where;
  SourceLocation budget_where;  // where budget_epochs was written
};

// `early_stopping:`: ASHA rungs at min_epochs * reduction_factor^k below each run's train.epochs.
struct EarlyStopping {
  StoppingMethod method = StoppingMethod::None;
  StopMetric metric = StopMetric::ValLoss;  // at the rung's epoch
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
  std::map<std::string, SourceLocation> locations;  // where each data.* and metrics.* key (and repeats) was written
  Resources resources;
  SourceLocation base_where;  // where `base` is (or the file's first line)
  Settings base;
  std::vector<RunEntry> runs;
  std::vector<GridAxis> grid;
  SourceLocation grid_where;  // where `grid` is
  SearchSpace search;
  EarlyStopping early_stopping;
  Settings forced;  // --set of a run setting (model.*, train.*, loss.*): applies to every run
  std::vector<common::Reference> references;
  std::vector<std::string> overrides;  // the --set arguments, as given
};

}  // namespace bokeh::orchestrator
