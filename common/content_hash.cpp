// The content hash (see content_hash.h), finished with splitmix64's mix.
#include "common/content_hash.h"

#include <cstring>

#include "common/seeded_rng.h"

namespace bokeh::common {

uint64_t hash_bytes(const uint8_t* data, size_t n) {
  uint64_t h = 0xCBF29CE484222325ULL ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    h = (h ^ word) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, data + i, n - i);
  return mix64(h ^ tail);
}

}  // namespace bokeh::common
