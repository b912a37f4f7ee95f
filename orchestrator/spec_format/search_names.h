// The names of the search's kinds, each parsed and printed here alone: search.method, a search.space
// dimension's distribution, early_stopping.method (as a spec writes them) and a
// trial's proposal (as the trials table stores it). Everything else compares the enums. A new search method or stopping
// rule adds its value and its row here (and its class behind orchestrator/search/make_search.h).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bokeh::orchestrator {

enum class SearchMethod { None, Random, Sobol, Tpe };              // `search.method`; None: no search
enum class StoppingMethod { None, Asha };                          // `early_stopping.method`; None: none
enum class Proposal { Random, Sobol, Startup, Model, Explore };    // how a trial's point was chosen (trials.proposal)
enum class Distribution { Uniform, LogUniform, Integer, Choice };  // a `search.space` dimension's distribution

// Each kind's names (None has none).
template <typename Kind>
struct KindNames;
template <>
struct KindNames<SearchMethod> {
  static constexpr std::pair<SearchMethod, const char*> table[] = {
      {SearchMethod::Random, "random"}, {SearchMethod::Sobol, "sobol"}, {SearchMethod::Tpe, "tpe"}};
};
template <>
struct KindNames<StoppingMethod> {
  static constexpr std::pair<StoppingMethod, const char*> table[] = {{StoppingMethod::Asha, "asha"}};
};
template <>
struct KindNames<Distribution> {
  static constexpr std::pair<Distribution, const char*> table[] = {{Distribution::Uniform, "uniform"},
                                                                   {Distribution::LogUniform, "loguniform"},
                                                                   {Distribution::Integer, "int"},
                                                                   {Distribution::Choice, "choice"}};
};
template <>
struct KindNames<Proposal> {
  static constexpr std::pair<Proposal, const char*> table[] = {{Proposal::Random, "random"},
                                                               {Proposal::Sobol, "sobol"},
                                                               {Proposal::Startup, "startup"},
                                                               {Proposal::Model, "model"},
                                                               {Proposal::Explore, "explore"}};
};

// The name as written ("" for None).
template <typename Kind>
const char* kind_name(Kind kind) {
  for (const auto& [value, name] : KindNames<Kind>::table) {
    if (value == kind) return name;
  }
  return "";
}
inline const char* to_string(SearchMethod method) { return kind_name(method); }
inline const char* to_string(StoppingMethod method) { return kind_name(method); }
inline const char* to_string(Proposal proposal) { return kind_name(proposal); }
inline const char* distribution_name(Distribution distribution) { return kind_name(distribution); }

// Every name of `Kind`, in its table's order ("random", "sobol", "tpe").
template <typename Kind>
std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (const auto& entry : KindNames<Kind>::table) names.emplace_back(entry.second);
  return names;
}

// The value named `name`, when it is one of kind_names<Kind>().
template <typename Kind>
std::optional<Kind> find_kind(const std::string& name) {
  for (const auto& [value, known] : KindNames<Kind>::table) {
    if (name == known) return value;
  }
  return std::nullopt;
}

// The value named `name` (one of kind_names<Kind>()); std::invalid_argument otherwise.
template <typename Kind>
Kind parse_kind(const std::string& name) {
  if (const std::optional<Kind> kind = find_kind<Kind>(name)) return *kind;
  throw std::invalid_argument("unknown name \"" + name + "\"");
}

}  // namespace bokeh::orchestrator
