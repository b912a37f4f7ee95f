// A run's identity from its canonical config: its key (a hash of the config's text) and its training
// seed (a hash of the sweep seed and the key). The planner computes them, the store's migration to
// schema 8 recomputes them for runs stored before runs carried their seed.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace bokeh::common {

// 16 hex digits of the FNV-1a 64-bit hash of the config's compact JSON text.
std::string config_key(const nlohmann::json& config);

// The run's seed: a 63-bit hash of the sweep seed and the run key. Weights, shuffling and augmentation
// derive from it, so a run's numbers depend on its settings and the sweep seed alone.
uint64_t run_seed(uint64_t sweep_seed, const std::string& key);

// The training seed of a planned or stored run config: run_seed() of its configuration's key (the
// config without "repeat"), plus its repeat index.
uint64_t config_seed(uint64_t sweep_seed, const nlohmann::json& config);

}  // namespace bokeh::common
