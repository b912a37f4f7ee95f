// One table of names per kind; parsing and printing both read it.
#include "orchestrator/spec/search_names.h"

#include <stdexcept>
#include <utility>

namespace bokeh::orchestrator {
namespace {

template <typename Kind>
using NameTable = std::vector<std::pair<Kind, const char*>>;

template <typename Kind>
const NameTable<Kind>& table();

template <>
const NameTable<SearchMethod>& table() {
  static const NameTable<SearchMethod> names = {
      {SearchMethod::Random, "random"}, {SearchMethod::Sobol, "sobol"}, {SearchMethod::Tpe, "tpe"}};
  return names;
}

template <>
const NameTable<StoppingMethod>& table() {
  static const NameTable<StoppingMethod> names = {{StoppingMethod::Asha, "asha"}};
  return names;
}

template <>
const NameTable<StopMetric>& table() {
  static const NameTable<StopMetric> names = {{StopMetric::ValLoss, "val_loss"}, {StopMetric::TrainLoss, "train_loss"}};
  return names;
}

template <>
const NameTable<Proposal>& table() {
  static const NameTable<Proposal> names = {{Proposal::Random, "random"},
                                            {Proposal::Sobol, "sobol"},
                                            {Proposal::Startup, "startup"},
                                            {Proposal::Model, "model"},
                                            {Proposal::Explore, "explore"}};
  return names;
}

template <typename Kind>
const char* name_of(Kind kind) {
  for (const auto& [value, name] : table<Kind>()) {
    if (value == kind) return name;
  }
  return "";  // None
}

}  // namespace

const char* to_string(SearchMethod method) { return name_of(method); }
const char* to_string(StoppingMethod method) { return name_of(method); }
const char* to_string(StopMetric metric) { return name_of(metric); }
const char* to_string(Proposal proposal) { return name_of(proposal); }

template <typename Kind>
std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (const auto& entry : table<Kind>()) names.emplace_back(entry.second);
  return names;
}

template <typename Kind>
Kind parse_kind(const std::string& name) {
  for (const auto& [value, known] : table<Kind>()) {
    if (name == known) return value;
  }
  throw std::invalid_argument("unknown name \"" + name + "\"");
}

template std::vector<std::string> kind_names<SearchMethod>();
template std::vector<std::string> kind_names<StoppingMethod>();
template std::vector<std::string> kind_names<StopMetric>();
template std::vector<std::string> kind_names<Proposal>();
template SearchMethod parse_kind<SearchMethod>(const std::string&);
template StoppingMethod parse_kind<StoppingMethod>(const std::string&);
template StopMetric parse_kind<StopMetric>(const std::string&);
template Proposal parse_kind<Proposal>(const std::string&);

}  // namespace bokeh::orchestrator
