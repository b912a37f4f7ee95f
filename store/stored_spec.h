// The one reader of a sweep's stored canonical spec (sweeps.spec_json, written by canonical_spec() in
// orchestrator/spec/spec.h) for what the reports take from it: the tables it lists and the rows it
// names for them, its published reference rows, the readings noted on its runs, its data, the settings
// its search samples and its early stopping.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/reference.h"

namespace bokeh::orchestrator {

// The rows the spec names for a table (`tables: {2: [VBase_1, VBase_2]}` or `{1: all}`).
struct StoredTableRows {
  bool all = false;
  std::vector<std::string> runs;  // when not all: these runs, in this order
};

// The spec's `data`, for the conditions printed under a table; "" or empty when absent.
struct StoredData {
  std::string source, root, test_root;
  std::optional<double> height, width, train_pairs, val_pairs, test_pairs;
  std::optional<double> synthetic_count, synthetic_size;
};

// The spec's `early_stopping` (ASHA), when it has one.
struct StoredEarlyStopping {
  std::string metric = "val_loss";
  int64_t min_epochs = 1;
  int64_t reduction_factor = 3;
};

// One dimension of the spec's `search.space`, for the box fANOVA integrates over.
struct StoredDimension {
  std::string key;
  std::string distribution;         // uniform, loguniform, int, choice
  std::optional<double> low, high;  // the range, when not a choice
  bool log = false;                 // loguniform, or int with log
};

struct StoredSpec {
  std::vector<int64_t> tables;                    // the study tables it lists (1..4), in its order
  std::map<int64_t, StoredTableRows> table_rows;  // tables whose rows the spec names
  std::vector<common::Reference> references;      // in its order
  std::map<std::string, std::string> readings;    // run name -> its `reading` (rows read, not transcribed)
  StoredData data;
  std::vector<std::string> sampled;    // the run settings its `search` samples, in its order
  std::vector<StoredDimension> space;  // the same with their distributions
  std::vector<std::string> varied;     // settings its grid, search or runs set, in that order, once each
  std::optional<StoredEarlyStopping> early_stopping;
};

// Tolerant, for reports of any stored sweep: text that is not a JSON object, a `tables` or `references`
// that is not an array, and entries of the wrong type (a table that is not a number, a row that is not
// an object, a figure that is not a number, table rows that are neither "all" nor a list of names, an
// early_stopping without numbers >= 1) read as absent. Never throws.
StoredSpec read_stored_spec(const std::string& spec_json);

}  // namespace bokeh::orchestrator
