// Per-epoch shuffles, per-sample dihedral augmentation (one sample at a time as the reference, a
// whole batch at once where batches are made) and float batch assembly on the run's device.
#include "training/data/batches.h"

#include <numeric>
#include <stdexcept>
#include <string>

#include "common/seeded_rng.h"

namespace bokeh::training {

namespace {
// Stream tags keep the shuffle and the augmentation draws independent for the same seed.
constexpr uint64_t kShuffleStream = 0x5348554646ULL;  // "SHUFF"
constexpr uint64_t kAugmentStream = 0x4155474DULL;    // "AUGM"

size_t slot(Split split) { return static_cast<size_t>(split); }
}  // namespace

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  if (n < 0) throw std::invalid_argument("epoch_order: n must be >= 0, got " + std::to_string(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  common::SeededRng rng(common::derive_seed(common::derive_seed(seed, kShuffleStream), static_cast<uint64_t>(epoch)));
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<uint64_t>(i) + 1)]);
  return order;
}

Augmentation augmentation_for(uint64_t seed, int64_t epoch, int64_t index, bool square) {
  const uint64_t epoch_seed =
      common::derive_seed(common::derive_seed(seed, kAugmentStream), static_cast<uint64_t>(epoch));
  const uint64_t bits = common::SeededRng(common::derive_seed(epoch_seed, static_cast<uint64_t>(index))).next();
  return {(bits & 1) != 0, (bits & 2) != 0, square && (bits & 4) != 0};
}

torch::Tensor apply_augmentation(const torch::Tensor& image, const Augmentation& augmentation) {
  torch::Tensor out = image;  // (3, H, W)
  if (augmentation.flip_horizontal) out = out.flip({2});
  if (augmentation.flip_vertical) out = out.flip({1});
  if (augmentation.rotate90) out = out.rot90(1, {1, 2});
  return out;
}

torch::Tensor augmentation_flags(uint64_t seed, int64_t epoch, const std::vector<int64_t>& indices, bool square) {
  torch::Tensor flags = torch::empty({static_cast<int64_t>(indices.size()), 3}, torch::kBool);
  auto rows = flags.accessor<bool, 2>();
  for (size_t i = 0; i < indices.size(); ++i) {
    const Augmentation a = augmentation_for(seed, epoch, indices[i], square);
    rows[static_cast<int64_t>(i)][0] = a.flip_horizontal;
    rows[static_cast<int64_t>(i)][1] = a.flip_vertical;
    rows[static_cast<int64_t>(i)][2] = a.rotate90;
  }
  return flags;
}

torch::Tensor augment_batch(const torch::Tensor& images, const torch::Tensor& flags) {
  const auto mask = [&](int64_t k) { return flags.select(1, k).view({-1, 1, 1, 1}); };  // (B, 1, 1, 1)
  torch::Tensor out = torch::where(mask(0), images.flip({3}), images);                  // (B, C, H, W)
  out = torch::where(mask(1), out.flip({2}), out);
  if (images.size(2) == images.size(3)) out = torch::where(mask(2), out.rot90(1, {2, 3}), out);
  return out;
}

EpochPlan epoch_plan(int64_t n, bool augment, bool square, uint64_t seed, int64_t epoch, const torch::Device& device) {
  const std::vector<int64_t> order = epoch_order(n, seed, epoch);
  EpochPlan plan;
  plan.order = torch::tensor(order, torch::kInt64).to(device);
  if (augment) plan.flags = augmentation_flags(seed, epoch, order, square).to(device);
  return plan;
}

BatchSource::BatchSource(const PreparedData& data, const torch::Device& device, torch::MemoryFormat format)
    : device_(device), format_(format), square_(data.height() == data.width()) {
  for (Split split : {Split::train, Split::validation, Split::test}) {
    inputs_[slot(split)] = data.inputs(split).to(device);  // the mapping itself on the CPU
    targets_[slot(split)] = data.targets(split).to(device);
  }
  for (Split split : {Split::validation, Split::test}) masks_[slot(split)] = data.masks(split).to(device);
}

Batch BatchSource::to_float(torch::Tensor input, torch::Tensor target) const {
  const auto convert = [&](const torch::Tensor& x) { return x.to(torch::kFloat32).div_(255.0f).contiguous(format_); };
  return {convert(input), convert(target)};
}

Batch BatchSource::batch(const EpochPlan& plan, int64_t begin, int64_t end) const {
  const torch::Tensor rows = plan.order.slice(0, begin, end);
  return gather(Split::train, rows, plan.flags.defined() ? plan.flags.slice(0, begin, end) : torch::Tensor());
}

Batch BatchSource::range(Split split, int64_t begin, int64_t end) const {
  return to_float(inputs_[slot(split)].slice(0, begin, end), targets_[slot(split)].slice(0, begin, end));
}

torch::Tensor BatchSource::focus_weights(Split split, int64_t begin, int64_t end) const {
  const torch::Tensor& masks = masks_[slot(split)];
  if (!masks.defined())
    throw std::invalid_argument(std::string("BatchSource keeps no focus masks of the ") + split_name(split) + " split");
  return masks.slice(0, begin, end).to(torch::kFloat32).div_(255.0f).contiguous(format_);
}

Batch BatchSource::gather(Split split, const torch::Tensor& rows, const torch::Tensor& flags) const {
  torch::Tensor input = inputs_[slot(split)].index_select(0, rows);  // uint8 (B, 3, H, W), a copy
  torch::Tensor target = targets_[slot(split)].index_select(0, rows);
  if (flags.defined()) input = augment_batch(input, flags), target = augment_batch(target, flags);
  return to_float(input, target);
}

Batch make_batch(const PreparedData& data, Split split, const std::vector<int64_t>& indices, bool augment,
                 uint64_t seed, int64_t epoch) {
  const int64_t n = data.size(split);
  for (int64_t index : indices)
    if (index < 0 || index >= n)
      throw std::out_of_range("make_batch: index " + std::to_string(index) + " outside the " + split_name(split) +
                              " split of " + std::to_string(n) + " pairs (" + data.file().string() + ")");
  const BatchSource host(data, torch::kCPU);
  const torch::Tensor flags = augment ? augmentation_flags(seed, epoch, indices, host.square()) : torch::Tensor();
  return host.gather(split, torch::tensor(indices, torch::kInt64), flags);
}

}  // namespace bokeh::training
