// Run keys and seeds: FNV-1a 64 of the config's text and of "sweep seed/key".
#include "common/run_identity.h"

#include <fmt/format.h>

#include "common/run_settings.h"

namespace bokeh::common {
namespace {

uint64_t fnv1a64(const std::string& text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

std::string config_key(const nlohmann::json& config) { return fmt::format("{:016x}", fnv1a64(config.dump())); }

uint64_t run_seed(uint64_t sweep_seed, const std::string& key) {
  return fnv1a64(fmt::format("{}/{}", sweep_seed, key)) >> 1;
}

uint64_t config_seed(uint64_t sweep_seed, const nlohmann::json& config) {
  const int64_t repeat = config_repeat(config);
  const std::string key = config_key(repeat == 0 ? config : config_without_repeat(config));
  return run_seed(sweep_seed, key) + static_cast<uint64_t>(repeat);
}

}  // namespace bokeh::common
