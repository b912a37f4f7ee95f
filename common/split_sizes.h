// The sizes of the dataset split the EBB! reader makes (training/data/ebb_reader.h), without libtorch:
// the test pairs come off first, the rest is cut 80:20 into train and validation parts. The spec
// uses it to size the synthetic data; the reader uses it to cut.
#pragma once

#include <cstdint>

namespace bokeh::common {

// Pairs in the validation part when `pool` pairs are cut 80:20: 20% rounded to the nearest integer.
int64_t validation_part_size(int64_t pool);

// The fewest pairs a folder must hold for `test` test pairs plus an 80:20 split whose train part
// holds at least `train` pairs and whose validation part at least `val`.
int64_t pairs_needed(int64_t train, int64_t val, int64_t test);

}  // namespace bokeh::common
