// The factories of the search's two interfaces, keyed by the spec's parsed names: the sampler of
// `search.method` and the stopping rule of `early_stopping.method`. A new sampler or stopping rule is
// built here.
#pragma once

#include <memory>
#include <string>

#include "orchestrator/search/sampler.h"
#include "orchestrator/search/stopping_rule.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"

namespace bokeh::orchestrator {

// The sampler of `space.method`; null without a search.
std::unique_ptr<Sampler> make_sampler(const SearchSpace& space);

// The stopping rule of `rule.method` for sweep `sweep` of `store`; null without early stopping.
std::unique_ptr<StoppingRule> make_stopping_rule(Store& store, const std::string& sweep, const EarlyStopping& rule);

}  // namespace bokeh::orchestrator
