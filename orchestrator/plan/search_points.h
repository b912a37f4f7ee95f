// The point streams of a spec's `search:` space: points in the unit cube, from a seeded hash (random)
// or the Sobol sequence (Joe & Kuo's direction numbers, digitally shifted by the seed), mapped onto
// each dimension's distribution. A trial's point depends on (method, seed, trial index) alone, so more
// trials keep the first ones. Here, in plan, because the run plan and the dry run preview the first
// trials; the samplers that draw them are orchestrator/search/'s. See sweeps/README.md.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "orchestrator/spec/search_spec.h"

namespace bokeh::orchestrator {

// The unshifted Sobol point `index` (0-based, Gray-code order as in Joe & Kuo 2008 and scipy's
// `Sobol(scramble=False)`): 32-bit coordinates in [0, 1). `dimensions` <= kSobolMaxDimensions.
std::vector<double> sobol_point(uint64_t index, size_t dimensions);

// A uniform number in [0, 1) from (seed, trial, dimension): 53 bits of a SplitMix64 hash chain.
double hashed_unit(uint64_t seed, uint64_t trial, uint64_t dimension);

// The unit point of trial index `trial` (0-based) for `space`: random, or Sobol (also tpe's startup),
// one coordinate per dimension.
std::vector<double> unit_point(const SearchSpace& space, uint64_t trial);

// A unit coordinate as a value of `dimension`: uniform and loguniform rounded to 4 significant digits
// and kept within [low, high]; int (linear or log) in [low, high]; choice one of its values.
nlohmann::json dimension_value(const SearchDimension& dimension, double unit);

// The values of a unit point, in the order of space.dimensions.
std::vector<nlohmann::json> point_values(const SearchSpace& space, const std::vector<double>& unit);

// Trial `trial`'s (1-based) values as random or Sobol draw it (tpe: its quasi-random startup point,
// a Sobol point): point_values(unit_point(space, trial - 1)).
std::vector<nlohmann::json> trial_values(const SearchSpace& space, int64_t trial);

}  // namespace bokeh::orchestrator
