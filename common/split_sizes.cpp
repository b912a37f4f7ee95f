// Sizes of the test / 80:20 train-validation split (see split_sizes.h).
#include "common/split_sizes.h"

#include <algorithm>

namespace bokeh::common {

int64_t validation_part_size(int64_t pool) { return (pool + 2) / 5; }

int64_t pairs_needed(int64_t train, int64_t val, int64_t test) {
  // Both parts grow with the pool by at most one pair per added pair, so the first pool that fits
  // lies within a few pairs of max(train / 0.8, val / 0.2); start just below it and walk up.
  int64_t pool = std::max(train + val, std::max(train * 5 / 4, val * 5) - 5);
  while (pool - validation_part_size(pool) < train || validation_part_size(pool) < val) ++pool;
  return pool + test;
}

}  // namespace bokeh::common
