// Random and Sobol points of a search space, and their mapping onto the dimensions' distributions.
#include "orchestrator/plan/search_points.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "common/seeded_rng.h"
#include "orchestrator/spec/choice_mapping.h"

namespace bokeh::orchestrator {
namespace {

constexpr int kBits = 32;

// Joe & Kuo (2008), new-joe-kuo-6.21201, dimensions 1..20: the primitive polynomial (its bits are
// x^s .. 1; s is its degree) and the initial direction integers m_1..m_s. Dimension 1 is van der Corput.
struct DirectionEntry {
  uint32_t polynomial;
  std::array<uint32_t, 7> m;
};
constexpr std::array<DirectionEntry, kSobolMaxDimensions> kJoeKuo = {{
    {1, {1}},
    {3, {1}},
    {7, {1, 3}},
    {11, {1, 3, 1}},
    {13, {1, 1, 1}},
    {19, {1, 1, 3, 3}},
    {25, {1, 3, 5, 13}},
    {37, {1, 1, 5, 5, 17}},
    {41, {1, 1, 5, 5, 5}},
    {47, {1, 1, 7, 11, 19}},
    {55, {1, 1, 5, 1, 1}},
    {59, {1, 1, 1, 3, 11}},
    {61, {1, 3, 5, 5, 31}},
    {67, {1, 3, 3, 9, 7, 49}},
    {91, {1, 1, 1, 15, 21, 21}},
    {97, {1, 3, 1, 13, 27, 49}},
    {103, {1, 1, 1, 15, 7, 5}},
    {109, {1, 3, 1, 15, 13, 25}},
    {115, {1, 1, 5, 5, 19, 61}},
    {131, {1, 3, 7, 11, 23, 15, 103}},
}};

// The 32 direction numbers v_k = m_k * 2^(32-k) of one dimension.
std::array<uint32_t, kBits> direction_numbers(size_t dimension) {
  std::array<uint32_t, kBits> v{};
  const DirectionEntry& e = kJoeKuo[dimension];
  if (dimension == 0) {
    for (int k = 0; k < kBits; ++k) v[k] = uint32_t{1} << (kBits - 1 - k);
    return v;
  }
  int degree = 0;
  while ((e.polynomial >> (degree + 1)) != 0) ++degree;
  std::array<uint64_t, kBits> m{};
  for (int k = 0; k < degree; ++k) m[k] = e.m[k];
  for (int k = degree; k < kBits; ++k) {  // m_k = 2a_1 m_{k-1} ^ 4a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}
    uint64_t next = m[k - degree] ^ (m[k - degree] << degree);
    for (int j = 1; j < degree; ++j) {
      if ((e.polynomial >> (degree - j)) & 1) next ^= m[k - j] << j;
    }
    m[k] = next;
  }
  for (int k = 0; k < kBits; ++k) v[k] = static_cast<uint32_t>(m[k] << (kBits - 1 - k));
  return v;
}

double round_significant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return value;
  const double scale = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(value)))));
  return std::round(value * scale) / scale;
}

}  // namespace

std::vector<double> sobol_point(uint64_t index, size_t dimensions) {
  if (dimensions > kSobolMaxDimensions)
    throw std::invalid_argument("Sobol points have at most " + std::to_string(kSobolMaxDimensions) + " dimensions");
  if (index >= (uint64_t{1} << kBits)) throw std::invalid_argument("Sobol index past 2^32");
  const uint64_t gray = index ^ (index >> 1);
  std::vector<double> point(dimensions);
  for (size_t d = 0; d < dimensions; ++d) {
    const std::array<uint32_t, kBits> v = direction_numbers(d);
    uint32_t x = 0;
    for (int k = 0; k < kBits; ++k) {
      if ((gray >> k) & 1) x ^= v[k];
    }
    point[d] = std::ldexp(static_cast<double>(x), -kBits);
  }
  return point;
}

double hashed_unit(uint64_t seed, uint64_t trial, uint64_t dimension) {
  const uint64_t h = common::mix64(common::mix64(common::mix64(seed) ^ trial) ^ dimension);
  return std::ldexp(static_cast<double>(h >> 11), -53);
}

std::vector<double> unit_point(const SearchSpace& space, uint64_t trial) {
  const size_t n = space.dimensions.size();
  switch (space.method) {
    case SearchMethod::None:
      throw std::invalid_argument("unit_point: the spec has no search");
    case SearchMethod::Random: {
      std::vector<double> point(n);
      for (size_t d = 0; d < n; ++d) point[d] = hashed_unit(space.seed, trial, d);
      return point;
    }
    case SearchMethod::Sobol:
    case SearchMethod::Tpe:  // its startup trials
      break;
  }
  std::vector<double> point = sobol_point(trial, n);
  for (size_t d = 0; d < n; ++d) {  // a digital shift: XOR every coordinate's 32 bits with a seeded word
    const auto shift = static_cast<uint32_t>(common::mix64(space.seed ^ common::mix64(d)) >> 32);
    const auto bits = static_cast<uint32_t>(std::ldexp(point[d], kBits));
    point[d] = std::ldexp(static_cast<double>(bits ^ shift), -kBits);
  }
  return point;
}

nlohmann::json dimension_value(const SearchDimension& dim, double unit) {
  const double lo = dim.low, hi = dim.high;
  switch (dim.distribution) {
    case Distribution::Uniform:
      return std::clamp(round_significant(lo + unit * (hi - lo), 4), lo, hi);
    case Distribution::LogUniform:
      return std::clamp(round_significant(std::exp(std::log(lo) + unit * (std::log(hi) - std::log(lo))), 4), lo, hi);
    case Distribution::Integer: {
      const double v =
          dim.log ? std::exp(std::log(lo) + unit * (std::log(hi + 1) - std::log(lo))) : lo + unit * (hi - lo + 1);
      return static_cast<int64_t>(std::clamp(std::floor(v), lo, hi));
    }
    case Distribution::Choice: {
      return dim.choices[static_cast<size_t>(choice_category(unit, static_cast<int>(dim.choices.size())))];
    }
  }
  throw std::logic_error("unknown distribution");
}

std::vector<nlohmann::json> point_values(const SearchSpace& space, const std::vector<double>& unit) {
  std::vector<nlohmann::json> values;
  for (size_t d = 0; d < space.dimensions.size(); ++d) values.push_back(dimension_value(space.dimensions[d], unit[d]));
  return values;
}

std::vector<nlohmann::json> trial_values(const SearchSpace& space, int64_t trial) {
  return point_values(space, unit_point(space, static_cast<uint64_t>(trial - 1)));
}

}  // namespace bokeh::orchestrator
