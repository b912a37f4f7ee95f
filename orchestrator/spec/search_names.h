// The names of the search's kinds, each parsed and printed here alone: search.method,
// early_stopping.method, early_stopping.metric (as a spec writes them) and a trial's proposal (as the
// trials table stores it). Everything else compares the enums. A new search method or stopping rule
// adds its value and its name here (and its class behind orchestrator/search/'s factories).
#pragma once

#include <string>
#include <vector>

namespace bokeh::orchestrator {

enum class SearchMethod { None, Random, Sobol, Tpe };            // `search.method`; None: no search
enum class StoppingMethod { None, Asha };                        // `early_stopping.method`; None: none
enum class StopMetric { ValLoss, TrainLoss };                    // `early_stopping.metric`, lower is better
enum class Proposal { Random, Sobol, Startup, Model, Explore };  // how a trial's point was chosen (trials.proposal)

// The name as written (None: "").
const char* to_string(SearchMethod method);
const char* to_string(StoppingMethod method);
const char* to_string(StopMetric metric);
const char* to_string(Proposal proposal);

// Every name of `Kind` but None's, in declaration order ("random", "sobol", "tpe").
template <typename Kind>
std::vector<std::string> kind_names();

// The value named `name` (one of kind_names<Kind>()); std::invalid_argument otherwise.
template <typename Kind>
Kind parse_kind(const std::string& name);

// The metric's value among an epoch's losses.
inline double metric_value(StopMetric metric, double train_loss, double val_loss) {
  return metric == StopMetric::TrainLoss ? train_loss : val_loss;
}

}  // namespace bokeh::orchestrator
