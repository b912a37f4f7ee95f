// The search's random streams pinned to the values their former private SplitMix64 copies gave (the
// random sampler's hash chain, the Sobol digital shift, TPE's proposal stream): every one now draws from
// common/seeded_rng.h, and a stored sweep's trials must come out bit for bit as before.
#include <catch2/catch.hpp>

#include <vector>

#include "common/seeded_rng.h"
#include "orchestrator/plan/search_points.h"
#include "orchestrator/search/tpe_kernels.h"

using namespace bokeh::orchestrator;
using bokeh::common::SeededRng;

TEST_CASE("one SplitMix64: the mix, the generator and the samplers' hash give the former streams", "[samplers]") {
  CHECK(bokeh::common::mix64(0) == 0xe220a8397b1dcdafULL);
  CHECK(bokeh::common::mix64(42) == 0xbdd732262feb6e95ULL);
  SeededRng rng(2024);
  CHECK(rng.next() == 0x9f6d8fecf88eecd5ULL);
  CHECK(rng.next() == 0x18e430bb1511f2d2ULL);
  CHECK(rng.next() == 0x4c6f7cbf58dba57fULL);
  // TPE's stream for (seed 5, trial 12), seeded as its former copy was.
  SeededRng tpe(5 * 0x9E3779B97F4A7C15ULL ^ (12 + 0x632BE59BD9B4E019ULL));
  CHECK(tpe.next() == 0x80011c412a8d5b06ULL);
  CHECK(tpe.next() == 0x21721af2e8112018ULL);
  CHECK(tpe.next() == 0x4917a878b08d7e94ULL);
  CHECK(hashed_unit(7, 3, 1) == 0.06361408929232959);
}

TEST_CASE("random and Sobol unit points and a TPE proposal are the ones stored sweeps hold", "[samplers][tpe]") {
  SearchSpace space;
  space.seed = 5;
  space.dimensions.resize(2);
  space.method = SearchMethod::Random;
  CHECK(unit_point(space, 0) == std::vector<double>{0.65261278577718473, 0.93636758615558069});
  CHECK(unit_point(space, 3) == std::vector<double>{0.53778905389081444, 0.091490380249817593});
  space.method = SearchMethod::Sobol;
  CHECK(unit_point(space, 0) == std::vector<double>{0.244917674921453, 0.6924455848056823});
  CHECK(unit_point(space, 3) == std::vector<double>{0.494917674921453, 0.4424455848056823});

  const std::vector<TpeDimension> dims{TpeDimension{0}, TpeDimension{3}};
  std::vector<TpeObservation> obs;
  for (int i = 0; i < 8; ++i)
    obs.push_back({{i * 0.37 - static_cast<int>(i * 0.37), ((i * 5) % 3 + 0.5) / 3.0}, (i % 4) * 1.5 + i * 0.1});
  const TpeProposal p = tpe_propose(dims, obs, 42, 17);
  CHECK(p.best() == std::vector<double>{0.047007131202753037, 0.5});
  CHECK(p.below == 1);
  CHECK(p.above == 7);
}
