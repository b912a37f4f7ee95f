// One switch per interface over the parsed method.
#include "orchestrator/search/make_search.h"

#include "orchestrator/search/asha_rule.h"
#include "orchestrator/search/stream_sampler.h"
#include "orchestrator/search/tpe_sampler.h"

namespace bokeh::orchestrator {

std::unique_ptr<Sampler> make_sampler(const SearchSpace& space) {
  switch (space.method) {
    case SearchMethod::None:
      return nullptr;
    case SearchMethod::Random:
      return std::make_unique<StreamSampler>(space, Proposal::Random);
    case SearchMethod::Sobol:
      return std::make_unique<StreamSampler>(space, Proposal::Sobol);
    case SearchMethod::Tpe:
      return std::make_unique<TpeSampler>(space);
  }
  return nullptr;
}

std::unique_ptr<StoppingRule> make_stopping_rule(Store& store, const std::string& sweep, const EarlyStopping& rule) {
  switch (rule.method) {
    case StoppingMethod::None:
      return nullptr;
    case StoppingMethod::Asha:
      return std::make_unique<AshaRule>(store, sweep, rule);
  }
  return nullptr;
}

}  // namespace bokeh::orchestrator
