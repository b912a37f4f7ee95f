// Per-epoch shuffles, per-sample dihedral augmentation and float batch assembly.
#include "worker/batches.h"

#include <numeric>
#include <stdexcept>
#include <string>

#include "worker/seeded_rng.h"

namespace bokeh::worker {

namespace {
// Stream tags keep the shuffle and the augmentation draws independent for the same seed.
constexpr uint64_t kShuffleStream = 0x5348554646ULL;  // "SHUFF"
constexpr uint64_t kAugmentStream = 0x4155474DULL;    // "AUGM"
}  // namespace

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  if (n < 0) throw std::invalid_argument("epoch_order: n must be >= 0, got " + std::to_string(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  SeededRng rng(derive_seed(derive_seed(seed, kShuffleStream), static_cast<uint64_t>(epoch)));
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<uint64_t>(i) + 1)]);
  return order;
}

Augmentation augmentation_for(uint64_t seed, int64_t epoch, int64_t index, bool square) {
  const uint64_t epoch_seed = derive_seed(derive_seed(seed, kAugmentStream), static_cast<uint64_t>(epoch));
  const uint64_t bits = SeededRng(derive_seed(epoch_seed, static_cast<uint64_t>(index))).next();
  return {(bits & 1) != 0, (bits & 2) != 0, square && (bits & 4) != 0};
}

torch::Tensor apply_augmentation(const torch::Tensor& image, const Augmentation& augmentation) {
  torch::Tensor out = image;  // (3, H, W)
  if (augmentation.flip_horizontal) out = out.flip({2});
  if (augmentation.flip_vertical) out = out.flip({1});
  if (augmentation.rotate90) out = out.rot90(1, {1, 2});
  return out;
}

Batch make_batch(const PreparedData& data, Split split, const std::vector<int64_t>& indices, bool augment,
                 uint64_t seed, int64_t epoch) {
  const int64_t n = data.size(split);
  for (int64_t index : indices)
    if (index < 0 || index >= n)
      throw std::out_of_range("make_batch: index " + std::to_string(index) + " outside the " + split_name(split) +
                              " split of " + std::to_string(n) + " pairs (" + data.file().string() + ")");
  const auto rows = torch::tensor(indices, torch::kInt64);
  torch::Tensor input = data.inputs(split).index_select(0, rows);    // uint8 (B, 3, H, W), a copy
  torch::Tensor target = data.targets(split).index_select(0, rows);  // uint8 (B, 3, H, W)
  if (augment) {
    const bool square = data.height() == data.width();
    for (size_t b = 0; b < indices.size(); ++b) {
      const Augmentation a = augmentation_for(seed, epoch, indices[b], square);
      input[b].copy_(apply_augmentation(input[b], a));
      target[b].copy_(apply_augmentation(target[b], a));
    }
  }
  return {input.to(torch::kFloat32).div_(255.0f).contiguous(), target.to(torch::kFloat32).div_(255.0f).contiguous()};
}

}  // namespace bokeh::worker
