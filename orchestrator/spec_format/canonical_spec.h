// A sweep spec's canonical JSON (sweeps.spec_json in the store), written and read back here alone:
// the writer from a parsed Spec, the reader for what the reports take from a stored one, on the same
// structs (sweep_spec.h). No YAML: the reports read stored specs without the spec parser.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/reference.h"
#include "common/run_config.h"
#include "orchestrator/spec_format/sweep_spec.h"

namespace bokeh::orchestrator {

// The spec as canonical JSON (sorted keys, defaults filled, comments and layout gone): equal for
// two specs exactly when they describe the same sweep. The --set strings themselves are not part of
// it, their effects are.
nlohmann::json canonical_spec(const Spec& spec);

// What the reports take from a stored canonical spec: the tables it lists and the rows it names for
// them, its published reference rows, the readings noted on its runs, its data, the settings its search
// samples, its early stopping and its objectives. The structs' `where` stay empty: a stored spec has no lines.
struct StoredSpec {
  std::vector<int64_t> tables;                  // the study tables it lists (1..4), in its order
  std::map<int64_t, TableRows> table_rows;      // tables whose rows the spec names
  std::vector<common::Reference> references;    // in its order
  std::map<std::string, std::string> readings;  // run name -> its `reading` (rows read, not transcribed)
  std::optional<common::DataConfig> data;       // absent unless every field reads with its type
  std::vector<std::string> sampled;             // the run settings its `search` samples, in its order
  std::vector<SearchDimension> space;           // the same with their distributions (those that read whole)
  std::vector<std::string> varied;              // settings its grid, search or runs set, in that order, once each
  std::optional<EarlyStopping> early_stopping;
  common::Objective search_objective;                // search_objective() of the stored spec
  std::vector<common::Objective> search_objectives;  // its search.objectives (several at once); empty: one
  std::vector<double> reference_point;               // its search.reference_point; empty: none given
  common::Objective selection;                       // selection_objective() of the stored spec
};

// Tolerant, for reports of any stored sweep: text that is not a JSON object, a `tables` or `references`
// that is not an array, and entries of the wrong type (a table that is not a number, a row that is not
// an object, a figure that is not a number, table rows that are neither "all" nor a list of names, a
// dimension without a known distribution and its range or choices, an early_stopping without known
// method and metric names and numbers >= 1) read as absent. Never throws.
StoredSpec read_stored_spec(const std::string& spec_json);

}  // namespace bokeh::orchestrator
