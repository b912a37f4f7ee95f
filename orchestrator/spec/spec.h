// A sweep spec (YAML, see sweeps/README.md): parsing, `--set key.path=value` overrides and
// validation. Every error is a SpecError naming the file, line and key path of the offending value.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "worker/run_config.h"

namespace bokeh::orchestrator {

// Where a value was written: a spec file and line, or a --set argument (line 0).
struct SourceLocation {
  std::string source;  // the spec's file name, or "--set key=value"
  int line = 0;        // 1-based; 0 for --set
  std::string key;     // dotted key path in the document, e.g. "base.train.lr", "runs[2].model.width"
};

class SpecError : public std::runtime_error {
 public:
  SpecError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
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
};

struct GridAxis {
  std::string path;  // a run setting
  std::vector<nlohmann::json> values;
  SourceLocation where;
};

// A published result row (e.g. PyNET in Table 4); unknown cells are nullopt.
struct Reference {
  std::string name;
  std::string source;
  std::optional<int64_t> epochs;
  std::optional<double> params_m, runtime_min, psnr, ssim, lpips;
};

struct Resources {
  std::string device = "auto";  // auto | cpu | cuda
  int64_t threads = 0;          // per worker; 0 = cores per node / workers per node
  int64_t max_attempts = 2;     // a failing run is tried this many times
  int64_t ranks_per_run = 1;
  int64_t runs_per_gpu = 1;     // worker ranks sharing one GPU (orchestrator/spec/gpu_mapping.h)
};

struct Spec {
  std::string file;  // as given to load_spec
  std::string text;  // the file's text, unchanged
  std::string name;  // `sweep`
  std::vector<int64_t> tables;
  uint64_t seed = 0;
  worker::DataConfig data;
  std::string lpips_weights;  // metrics.lpips_weights
  Resources resources;
  SourceLocation base_where;  // where `base` is (or the file's first line)
  Settings base;
  std::vector<RunEntry> runs;
  std::vector<GridAxis> grid;
  Settings forced;  // --set of a run setting (model.*, train.*, loss.*): applies to every run
  std::vector<Reference> references;
  std::vector<std::string> overrides;  // the --set arguments, as given
};

// Reads and validates a spec file; `overrides` are "key.path=value" strings applied before validation.
// A key path naming a run setting (model.*, train.*, loss.*) overrides it in every run; any other path
// sets that place in the document (e.g. data.height=256, base.train.lr=1e-3, grid.model.width=[8,16]).
Spec load_spec(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from text; `file` names it in errors.
Spec parse_spec(const std::string& text, const std::string& file,
                const std::vector<std::string>& overrides = {});

// The spec as canonical JSON (sorted keys, defaults filled, comments and layout gone): equal for
// two specs exactly when they describe the same sweep. The --set strings themselves are not part of
// it, their effects are.
nlohmann::json canonical_spec(const Spec& spec);

}  // namespace bokeh::orchestrator
