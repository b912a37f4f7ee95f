// A fast 64-bit hash of a byte string, the checksum of every file we write and later trust
// (the prepared-data cache, checkpoints).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bokeh::common {

// 8 bytes per step: h = mix((h ^ word) * odd). Each step is a bijection of h for a given word, so any
// single changed word (or byte) changes the result; the length is mixed in, so truncation shows too.
uint64_t hash_bytes(const uint8_t* data, size_t n);

inline uint64_t hash_text(std::string_view text) {
  return hash_bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace bokeh::common
