// Mini-batches from prepared data: the per-epoch shuffle and the optional flip / rot90
// augmentation, both derived from (seed, epoch) only, so epoch e is the same whether or not the
// process restarted in between. Batches are assembled where the model trains: BatchSource keeps the
// pairs on the run's device (uploaded once, uint8, on a GPU) and an EpochPlan uploads one epoch's
// order and augmentation flags once, so a training step copies nothing from the host. The validation and
// test splits' focus masks come along (their metrics' in-focus weights).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "training/data/prepared_data.h"

namespace bokeh::training {

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

// image: (3, H, W) -> the transformed (3, H, W) (or (3, W, H) if rotated). The per-sample reference.
torch::Tensor apply_augmentation(const torch::Tensor& image, const Augmentation& augmentation);

// augmentation_for of each of `indices` as bool (B, 3): flip_horizontal, flip_vertical, rotate90.
torch::Tensor augmentation_flags(uint64_t seed, int64_t epoch, const std::vector<int64_t>& indices, bool square);

// images: (B, C, H, W) on any device, flags: bool (B, 3) on the same device -> every sample
// transformed as apply_augmentation with its row of flags would, in a fixed number of batched ops.
// Rotation flags must be false unless H == W (augmentation_for guarantees it).
torch::Tensor augment_batch(const torch::Tensor& images, const torch::Tensor& flags);

struct Batch {
  torch::Tensor input;   // float (B, 3, H, W) in [0, 1], dense in the source's memory format
  torch::Tensor target;  // float (B, 3, H, W) in [0, 1]
};

// One epoch of the training split on a device: the shuffle and (with augmentation) each position's
// flags, made on the host and uploaded once.
struct EpochPlan {
  torch::Tensor order;  // int64 (N,): epoch_order(N, seed, epoch)
  torch::Tensor flags;  // bool (N, 3): augmentation_flags of order[i]; undefined without augmentation
};
EpochPlan epoch_plan(int64_t n, bool augment, bool square, uint64_t seed, int64_t epoch, const torch::Device& device);

// The prepared pairs where batches are made: on a CUDA device a copy uploaded once (uint8, 6 bytes
// per pixel of a pair); on the CPU the read-only mapping itself. Batches are converted to float
// there and laid out in `format` (channels_last on GPUs).
class BatchSource {
 public:
  BatchSource(const PreparedData& data, const torch::Device& device,
              torch::MemoryFormat format = torch::MemoryFormat::Contiguous);

  const torch::Device& device() const { return device_; }
  bool square() const { return square_; }
  int64_t size(Split split) const { return inputs_[static_cast<size_t>(split)].size(0); }

  // Training pairs order[begin, end) of `plan`, augmented by the plan's flags.
  Batch batch(const EpochPlan& plan, int64_t begin, int64_t end) const;
  // Pairs begin..end-1 of `split`, unaugmented (validation and test).
  Batch range(Split split, int64_t begin, int64_t end) const;
  // The focus masks of pairs begin..end-1 of the validation or test split as in-focus weights: float
  // (B, 1, H, W) in [0, 1] (mask / 255), in the source's memory format. The training split's are not
  // kept: throws std::invalid_argument for it.
  torch::Tensor focus_weights(Split split, int64_t begin, int64_t end) const;
  // Pairs `rows` (int64 (B,) on the device, in range) of `split`; `flags`: bool (B, 3) or undefined.
  Batch gather(Split split, const torch::Tensor& rows, const torch::Tensor& flags) const;

 private:
  Batch to_float(torch::Tensor input, torch::Tensor target) const;

  torch::Device device_;
  torch::MemoryFormat format_;
  bool square_;
  std::array<torch::Tensor, 3> inputs_, targets_;  // uint8 (N, 3, H, W) per split
  std::array<torch::Tensor, 3> masks_;             // uint8 (N, 1, H, W); undefined for the training split
};

// Samples `indices` of `split` on the host (the mapped cache); with `augment`, each sample gets
// augmentation_for(seed, epoch, its dataset index). Throws std::out_of_range naming an index outside
// the split. The same pixels as BatchSource::gather.
Batch make_batch(const PreparedData& data, Split split, const std::vector<int64_t>& indices, bool augment,
                 uint64_t seed, int64_t epoch);

}  // namespace bokeh::training
