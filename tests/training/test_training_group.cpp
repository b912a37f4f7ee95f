// How a batch is shared out among a group's members: every item once, in order, sizes within one.
#include <catch2/catch.hpp>

#include "training/training_group.h"

using bokeh::training::Shard;
using bokeh::training::shard_of;

TEST_CASE("shards cover a batch once in rank order with sizes differing by at most one", "[training_group]") {
  for (int size = 1; size <= 5; ++size) {
    for (int64_t n = 0; n <= 13; ++n) {
      INFO("n " << n << " over " << size);
      int64_t next = 0, smallest = n, largest = 0;
      for (int rank = 0; rank < size; ++rank) {
        const Shard shard = shard_of(n, rank, size);
        CHECK(shard.begin == next);
        CHECK(shard.end >= shard.begin);
        next = shard.end;
        smallest = std::min(smallest, shard.size());
        largest = std::max(largest, shard.size());
      }
      CHECK(next == n);
      CHECK(largest - smallest <= 1);
    }
  }
}

TEST_CASE("an even batch splits into equal halves and a batch smaller than the group leaves members empty",
          "[training_group]") {
  CHECK(shard_of(8, 0, 2).begin == 0);
  CHECK(shard_of(8, 0, 2).end == 4);
  CHECK(shard_of(8, 1, 2).begin == 4);
  CHECK(shard_of(8, 1, 2).end == 8);
  CHECK(shard_of(1, 0, 3).size() == 0);
  CHECK(shard_of(1, 1, 3).size() == 0);
  CHECK(shard_of(1, 2, 3).size() == 1);
}
