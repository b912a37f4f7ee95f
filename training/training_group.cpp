// How a batch is shared out among the members of a training group.
#include "training/training_group.h"

namespace bokeh::training {

Shard shard_of(int64_t n, int rank, int size) {
  const auto at = [&](int r) { return n * r / size; };
  return Shard{at(rank), at(rank + 1)};
}

}  // namespace bokeh::training
