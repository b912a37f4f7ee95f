// The one reader of a sweep's stored canonical spec (sweeps.spec_json, written by canonical_spec() in
// orchestrator/spec/spec.h) for what the reports take from it: the tables it lists, its published
// reference rows, the settings its search samples and its early stopping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bokeh::orchestrator {

// One published result row of the spec's `references`.
struct StoredReference {
  std::string name = "?";  // "?" when absent
  std::string source = "?";
  std::optional<double> epochs, params_m, runtime_min, psnr, ssim, lpips;  // empty when null or absent
};

// The spec's `early_stopping` (ASHA), when it has one.
struct StoredEarlyStopping {
  std::string metric = "val_loss";
  int64_t min_epochs = 1;
  int64_t reduction_factor = 3;
};

struct StoredSpec {
  std::vector<int64_t> tables;              // the study tables it lists (1..4), in its order
  std::vector<StoredReference> references;  // in its order
  std::vector<std::string> sampled;         // the run settings its `search` samples, in its order
  std::optional<StoredEarlyStopping> early_stopping;
};

// Tolerant, for reports of any stored sweep: text that is not a JSON object, a `tables` or `references`
// that is not an array, and entries of the wrong type (a table that is not a number, a row that is not
// an object, a figure that is not a number, an early_stopping without numbers >= 1) read as absent.
// Never throws.
StoredSpec read_stored_spec(const std::string& spec_json);

}  // namespace bokeh::orchestrator
