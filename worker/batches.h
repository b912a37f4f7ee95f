// Mini-batches from prepared data: the per-epoch shuffle and the optional flip / rot90
// augmentation, both derived from (seed, epoch) only, so epoch e is the same whether or not the
// process restarted in between.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "worker/prepared_data.h"

namespace bokeh::worker {

// A permutation of 0..n-1 (Fisher-Yates on the project's seeded generator) fixed by (seed, epoch).
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch);

// The augmentation of one sample: a dihedral transform, applied to input and target alike.
struct Augmentation {
  bool flip_horizontal = false;  // mirror left-right (applied first)
  bool flip_vertical = false;    // mirror top-bottom (second)
  bool rotate90 = false;         // then rotate 90 degrees counter-clockwise (square images only)
};

// The augmentation of sample `index` in `epoch`: from (seed, epoch, index) only; rotate90 is
// always false when `square` is false (it would change the shape).
Augmentation augmentation_for(uint64_t seed, int64_t epoch, int64_t index, bool square);

// image: (3, H, W) -> the transformed (3, H, W) (or (3, W, H) if rotated).
torch::Tensor apply_augmentation(const torch::Tensor& image, const Augmentation& augmentation);

struct Batch {
  torch::Tensor input;   // float (B, 3, H, W) in [0, 1], contiguous
  torch::Tensor target;  // float (B, 3, H, W) in [0, 1], contiguous
};

// Samples `indices` of `split`; with `augment`, each sample gets augmentation_for(seed, epoch,
// its dataset index). Throws std::out_of_range naming an index outside the split.
Batch make_batch(const PreparedData& data, Split split, const std::vector<int64_t>& indices, bool augment,
                 uint64_t seed, int64_t epoch);

}  // namespace bokeh::worker
