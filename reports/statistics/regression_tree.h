// A regression tree for fANOVA (fanova.h): grown on a bootstrap sample to single-valued leaves, each
// split on one feature drawn at random (the next one in random order when it cannot split), at the
// midpoint that reduces the squared error most. A random feature per split keeps the cells about as
// fine along a weak setting as along a strong one, so that the forest's functional ANOVA does not
// shrink weak main effects into spurious interactions (as a tree that always splits the strongest
// setting does). Read back as its leaves: boxes with the mean of their samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/seeded_rng.h"

namespace bokeh::reports {

// Each dimension's range [low, high] (low < high).
using Box = std::vector<std::pair<double, double>>;

struct Leaf {
  Box box;  // inside the configuration box the tree was read back in
  double value = 0;
};

// x: one row per configuration; rows: the sample (with repeats) the tree is grown on; rng: the
// feature draws' stream. The leaves partition `box`.
std::vector<Leaf> grow_tree_leaves(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                                   const std::vector<size_t>& rows, const Box& box, int max_depth,
                                   common::SeededRng& rng);

}  // namespace bokeh::reports
