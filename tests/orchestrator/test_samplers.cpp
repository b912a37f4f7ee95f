// The search-space samplers: Sobol points against the published table (Joe & Kuo's direction numbers,
// as scipy's Sobol(scramble=False) prints them), the stratification every Sobol dimension has, the
// mapping of unit numbers onto each distribution by hand, log scales, ranges and determinism by seed.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "orchestrator/plan/search_points.h"
#include "orchestrator/spec/spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using nlohmann::json;

namespace {

// Every trial's values as the sweep draws them, trials in order.
std::vector<std::vector<nlohmann::json>> draws(const SearchSpace& space) {
  std::vector<std::vector<nlohmann::json>> out;
  for (int64_t t = 1; t <= space.trials; ++t) out.push_back(trial_values(space, t));
  return out;
}

SearchDimension range(Distribution d, double low, double high, bool log = false) {
  SearchDimension dim;
  dim.path = "train.lr";
  dim.distribution = d;
  dim.low = low;
  dim.high = high;
  dim.log = log;
  return dim;
}

SearchSpace space(const std::string& method, int64_t trials, uint64_t seed, std::vector<SearchDimension> dims) {
  SearchSpace s;
  s.method = parse_kind<SearchMethod>(method);
  s.trials = trials;
  s.seed = seed;
  s.dimensions = std::move(dims);
  return s;
}

}  // namespace

TEST_CASE("sobol: the first eight points of dimensions 1-5 match the published table", "[samplers]") {
  // Joe & Kuo (2008) new-joe-kuo-6.21201; the same numbers as scipy.stats.qmc.Sobol(d=5, scramble=False).
  const double table[8][5] = {{0, 0, 0, 0, 0},
                              {0.5, 0.5, 0.5, 0.5, 0.5},
                              {0.75, 0.25, 0.25, 0.25, 0.75},
                              {0.25, 0.75, 0.75, 0.75, 0.25},
                              {0.375, 0.375, 0.625, 0.875, 0.375},
                              {0.875, 0.875, 0.125, 0.375, 0.875},
                              {0.625, 0.125, 0.875, 0.625, 0.625},
                              {0.125, 0.625, 0.375, 0.125, 0.125}};
  for (uint64_t i = 0; i < 8; ++i) {
    const std::vector<double> p = sobol_point(i, 5);
    for (size_t d = 0; d < 5; ++d) {
      INFO("point " << i << " dimension " << d + 1);
      CHECK(p[d] == table[i][d]);
    }
  }
}

TEST_CASE("sobol: the first 2^m points put one point in each interval of width 2^-m, in every dimension",
          "[samplers]") {
  for (int m : {4, 7}) {
    const uint64_t n = uint64_t{1} << m;
    for (size_t d = 0; d < kSobolMaxDimensions; ++d) {
      std::set<int64_t> cells;
      for (uint64_t i = 0; i < n; ++i) cells.insert(static_cast<int64_t>(std::floor(sobol_point(i, d + 1)[d] * n)));
      INFO("m " << m << " dimension " << d + 1);
      CHECK(cells.size() == n);
    }
  }
  CHECK_THROWS(sobol_point(0, kSobolMaxDimensions + 1));
}

TEST_CASE("distributions map unit numbers as worked by hand", "[samplers]") {
  CHECK(dimension_value(range(Distribution::Uniform, 0, 10), 0.25) == json(2.5));
  CHECK(dimension_value(range(Distribution::Uniform, 0, 1), 1.0 / 3) == json(0.3333));  // 4 significant digits
  CHECK(dimension_value(range(Distribution::LogUniform, 1e-4, 1e-2), 0.5).get<double>() == Approx(1e-3));
  CHECK(dimension_value(range(Distribution::LogUniform, 1e-4, 1e-2), 0.0).get<double>() == Approx(1e-4));
  CHECK(dimension_value(range(Distribution::Integer, 2, 5), 0.0) == json(2));
  CHECK(dimension_value(range(Distribution::Integer, 2, 5), 0.5) == json(4));  // 2 + floor(0.5 * 4)
  CHECK(dimension_value(range(Distribution::Integer, 2, 5), 0.9999) == json(5));
  CHECK(dimension_value(range(Distribution::Integer, 1, 8, true), 0.5) == json(3));  // floor(9^0.5)
  SearchDimension choice = range(Distribution::Choice, 0, 0);
  choice.choices = {json(8), json(16), json(32)};
  CHECK(dimension_value(choice, 0.0) == json(8));
  CHECK(dimension_value(choice, 0.5) == json(16));
  CHECK(dimension_value(choice, 0.99) == json(32));
}

TEST_CASE("samples stay in range, follow the log scale and are fixed by the seed", "[samplers]") {
  for (const char* method : {"random", "sobol"}) {
    INFO(method);
    const SearchSpace s = space(method, 2000, 11,
                                {range(Distribution::LogUniform, 1e-5, 1e-2), range(Distribution::Uniform, 0.5, 4),
                                 range(Distribution::Integer, 1, 8, true), range(Distribution::Integer, 2, 4)});
    const auto trials = draws(s);
    REQUIRE(trials.size() == 2000);
    int below_1e4 = 0, ones = 0;
    std::map<int64_t, int> linear;
    for (const auto& t : trials) {
      const double lr = t[0].get<double>(), w = t[1].get<double>();
      REQUIRE(lr >= 1e-5);
      REQUIRE(lr <= 1e-2);
      REQUIRE(w >= 0.5);
      REQUIRE(w <= 4);
      REQUIRE(t[2].get<int64_t>() >= 1);
      REQUIRE(t[2].get<int64_t>() <= 8);
      below_1e4 += lr < 1e-4 ? 1 : 0;
      ones += t[2].get<int64_t>() == 1 ? 1 : 0;
      ++linear[t[3].get<int64_t>()];
    }
    CHECK(below_1e4 / 2000.0 == Approx(1.0 / 3).margin(0.04));               // one decade of three
    CHECK(ones / 2000.0 == Approx(std::log(2) / std::log(9)).margin(0.04));  // [1, 2) of [1, 9) on a log scale
    CHECK(linear.size() == 3);
    for (const auto& [value, count] : linear) CHECK(count / 2000.0 == Approx(1.0 / 3).margin(0.04));
    CHECK(draws(s) == trials);  // the same seed, the same points
    SearchSpace other = s;
    other.seed = 12;
    CHECK(draws(other) != trials);
    other = s;
    other.trials = 10;  // fewer trials are a prefix: a trial's point depends on its index alone
    const auto prefix = draws(other);
    CHECK(std::equal(prefix.begin(), prefix.end(), trials.begin()));
  }
}
