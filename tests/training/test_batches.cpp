// Batches: the per-epoch shuffle and the augmentation are fixed by (seed, epoch), differ between
// epochs, and transform input and target alike.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "support/temp_dir.h"
#include "training/data/batches.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;
using bokeh::test::TempDir;

namespace {

std::shared_ptr<const PreparedData> synthetic_data(const fs::path& cache, int64_t height, int64_t width) {
  DataConfig config;
  config.synthetic.count = 14, config.synthetic.size = 16;
  config.height = height, config.width = width;
  config.train_pairs = 8, config.val_pairs = 2, config.test_pairs = 2;  // 12 left: 10 train, 2 validation
  return PreparedData::prepare(config, cache);
}

// The reference transform, written out index by index: out(c, y, x) for an input of H x W.
torch::Tensor reference_transform(const torch::Tensor& image, const Augmentation& a) {
  const int64_t H = image.size(1), W = image.size(2);
  torch::Tensor flipped = torch::empty_like(image);
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x)
        flipped[c][y][x] = image[c][a.flip_vertical ? H - 1 - y : y][a.flip_horizontal ? W - 1 - x : x];
  if (!a.rotate90) return flipped;
  // Counter-clockwise: the right column becomes the top row.
  torch::Tensor rotated = torch::empty({3, W, H}, image.options());
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < W; ++y)
      for (int64_t x = 0; x < H; ++x) rotated[c][y][x] = flipped[c][x][W - 1 - y];
  return rotated;
}

}  // namespace

TEST_CASE("epoch_order is a permutation fixed by (seed, epoch)", "[batches]") {
  const auto order = epoch_order(50, 7, 3);
  std::vector<int64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 50; ++i) CHECK(sorted[i] == i);
  CHECK(epoch_order(50, 7, 3) == order);  // e.g. after a restart
  CHECK(epoch_order(50, 7, 4) != order);
  CHECK(epoch_order(50, 8, 3) != order);
  CHECK(epoch_order(0, 1, 1).empty());
  CHECK(epoch_order(1, 1, 1) == std::vector<int64_t>{0});
  CHECK_THROWS(epoch_order(-1, 0, 0));
}

TEST_CASE("epoch_order puts every element first about equally often", "[batches]") {
  const int64_t n = 5, epochs = 5000;
  std::vector<int64_t> first(n, 0);
  for (int64_t e = 0; e < epochs; ++e) ++first[epoch_order(n, 42, e)[0]];
  for (int64_t count : first) CHECK(std::abs(count - epochs / n) < 120);  // ~4.2 standard deviations
}

TEST_CASE("apply_augmentation equals the index-by-index flips and counter-clockwise rotation", "[batches]") {
  const torch::Tensor square = torch::arange(3 * 4 * 4).reshape({3, 4, 4});
  const torch::Tensor wide = torch::arange(3 * 2 * 5).reshape({3, 2, 5});
  for (int bits = 0; bits < 8; ++bits) {
    const Augmentation a{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    CHECK(torch::equal(apply_augmentation(square, a), reference_transform(square, a)));
    CHECK(torch::equal(apply_augmentation(wide, a), reference_transform(wide, a)));
  }
}

TEST_CASE("augmentation_for is fixed by (seed, epoch, index), covers all eight transforms, rotates only squares",
          "[batches]") {
  std::set<int> seen, seen_wide;
  int changed = 0;
  for (int64_t index = 0; index < 200; ++index) {
    const Augmentation a = augmentation_for(9, 2, index, true), b = augmentation_for(9, 2, index, true);
    CHECK((a.flip_horizontal == b.flip_horizontal && a.flip_vertical == b.flip_vertical && a.rotate90 == b.rotate90));
    seen.insert(a.flip_horizontal + 2 * a.flip_vertical + 4 * a.rotate90);
    const Augmentation next = augmentation_for(9, 3, index, true);
    changed += next.flip_horizontal != a.flip_horizontal || next.flip_vertical != a.flip_vertical ||
               next.rotate90 != a.rotate90;
    const Augmentation w = augmentation_for(9, 2, index, false);
    CHECK_FALSE(w.rotate90);
    seen_wide.insert(w.flip_horizontal + 2 * w.flip_vertical);
  }
  CHECK(seen.size() == 8);
  CHECK(seen_wide.size() == 4);
  CHECK(changed > 100);  // 7/8 of samples are expected to change between epochs
}

TEST_CASE("make_batch without augmentation is the cached pixels over 255", "[batches]") {
  TempDir dir;
  const auto data = synthetic_data(dir.path(), 16, 16);
  const std::vector<int64_t> indices{5, 0, 7};
  const Batch batch = make_batch(*data, Split::train, indices, false, 1, 0);
  CHECK(batch.input.sizes() == torch::IntArrayRef({3, 3, 16, 16}));
  CHECK(batch.input.dtype() == torch::kFloat32);
  CHECK(batch.input.is_contiguous());
  CHECK(batch.target.is_contiguous());
  for (size_t b = 0; b < indices.size(); ++b) {
    CHECK(torch::allclose(batch.input[b], data->inputs(Split::train)[indices[b]].to(torch::kFloat32) / 255.0));
    CHECK(torch::allclose(batch.target[b], data->targets(Split::train)[indices[b]].to(torch::kFloat32) / 255.0));
  }
  CHECK(batch.input.min().item<float>() >= 0.0f);
  CHECK(batch.input.max().item<float>() <= 1.0f);
  CHECK_THROWS_AS(make_batch(*data, Split::train, {8}, false, 1, 0), std::out_of_range);
  CHECK_THROWS_AS(make_batch(*data, Split::test, {-1}, false, 1, 0), std::out_of_range);
}

TEST_CASE("make_batch augments input and target alike, per (seed, epoch, index), on any batch", "[batches]") {
  TempDir dir;
  const auto data = synthetic_data(dir.path(), 16, 16);
  const std::vector<int64_t> indices = epoch_order(8, 3, 1);
  const Batch batch = make_batch(*data, Split::train, indices, true, 3, 1);
  for (size_t b = 0; b < indices.size(); ++b) {
    const Augmentation a = augmentation_for(3, 1, indices[b], true);
    const torch::Tensor input = data->inputs(Split::train)[indices[b]].to(torch::kFloat32) / 255.0;
    const torch::Tensor target = data->targets(Split::train)[indices[b]].to(torch::kFloat32) / 255.0;
    CHECK(torch::allclose(batch.input[b], reference_transform(input, a)));
    CHECK(torch::allclose(batch.target[b], reference_transform(target, a)));
    // The same sample alone in a batch gets the same transform.
    CHECK(torch::equal(make_batch(*data, Split::train, {indices[b]}, true, 3, 1).input[0], batch.input[b]));
  }
  CHECK(torch::equal(make_batch(*data, Split::train, indices, true, 3, 1).input, batch.input));  // a restart
  CHECK_FALSE(torch::equal(make_batch(*data, Split::train, indices, true, 3, 2).input, batch.input));
}

TEST_CASE("make_batch on non-square data flips but never rotates", "[batches]") {
  TempDir dir;
  const auto data = synthetic_data(dir.path(), 8, 12);
  std::vector<int64_t> all(8);
  for (int64_t i = 0; i < 8; ++i) all[i] = i;
  for (int64_t epoch = 0; epoch < 4; ++epoch) {
    const Batch batch = make_batch(*data, Split::train, all, true, 5, epoch);
    CHECK(batch.input.sizes() == torch::IntArrayRef({8, 3, 8, 12}));
    for (int64_t i = 0; i < 8; ++i) {
      const Augmentation a = augmentation_for(5, epoch, i, false);
      CHECK(torch::allclose(batch.target[i],
                            reference_transform(data->targets(Split::train)[i].to(torch::kFloat32) / 255.0, a)));
    }
  }
}

TEST_CASE("augment_batch transforms each sample as apply_augmentation does with its flags", "[batches]") {
  for (const auto& shape : {std::vector<int64_t>{8, 3, 4, 4}, std::vector<int64_t>{8, 3, 2, 5}}) {
    const torch::Tensor images = torch::arange(8 * 3 * shape[2] * shape[3]).reshape(shape);
    const bool square = shape[2] == shape[3];
    torch::Tensor flags = torch::zeros({8, 3}, torch::kBool);  // sample b gets the transform with bits b
    for (int64_t b = 0; b < 8; ++b)
      for (int64_t k = 0; k < 3; ++k) flags[b][k] = ((b >> k) & 1) != 0 && (k < 2 || square);
    const torch::Tensor out = augment_batch(images, flags);
    for (int64_t b = 0; b < 8; ++b) {
      INFO("sample " << b << ", " << shape[2] << "x" << shape[3]);
      const Augmentation a{flags[b][0].item<bool>(), flags[b][1].item<bool>(), flags[b][2].item<bool>()};
      CHECK(torch::equal(out[b], apply_augmentation(images[b], a)));
      CHECK(torch::equal(out[b], reference_transform(images[b], a)));
    }
  }
}

TEST_CASE("batches made where the pairs live equal the host path's for the same seed and epoch", "[batches]") {
  TempDir dir;
  const auto data = synthetic_data(dir.path(), 16, 16);
  const BatchSource source(*data, torch::kCPU);  // the GPU path's code; the device here is the CPU
  const int64_t n = data->size(Split::train), batch_size = 3;
  for (bool augment : {false, true}) {
    for (int64_t epoch = 1; epoch <= 3; ++epoch) {
      INFO("augment " << augment << ", epoch " << epoch);
      const EpochPlan plan = epoch_plan(n, augment, source.square(), 5, epoch, source.device());
      const std::vector<int64_t> order = epoch_order(n, 5, epoch);
      for (int64_t begin = 0; begin < n; begin += batch_size) {
        const int64_t end = std::min(begin + batch_size, n);
        const Batch made = source.batch(plan, begin, end);
        const Batch host =
            make_batch(*data, Split::train, {order.begin() + begin, order.begin() + end}, augment, 5, epoch);
        CHECK(torch::equal(made.input, host.input));
        CHECK(torch::equal(made.target, host.target));
      }
    }
  }
  const Batch validation = source.range(Split::validation, 0, 2);
  CHECK(torch::equal(validation.input, make_batch(*data, Split::validation, {0, 1}, false, 5, 1).input));
  CHECK(torch::equal(validation.target, make_batch(*data, Split::validation, {0, 1}, false, 5, 1).target));
}

TEST_CASE("a channels_last source holds the same values in the channels_last layout", "[batches]") {
  TempDir dir;
  const auto data = synthetic_data(dir.path(), 16, 16);
  const BatchSource plain(*data, torch::kCPU), laid_out(*data, torch::kCPU, torch::MemoryFormat::ChannelsLast);
  const EpochPlan plan = epoch_plan(data->size(Split::train), true, true, 2, 1, torch::kCPU);
  const Batch a = plain.batch(plan, 0, 4), b = laid_out.batch(plan, 0, 4);
  CHECK(b.input.is_contiguous(torch::MemoryFormat::ChannelsLast));
  CHECK(b.target.is_contiguous(torch::MemoryFormat::ChannelsLast));
  CHECK(torch::equal(a.input, b.input));
  CHECK(torch::equal(a.target, b.target));
}

TEST_CASE("a source gives the validation and test pairs' focus masks as weights in [0, 1], not the training pairs'",
          "[batches]") {
  TempDir dir;
  const auto data = synthetic_data(dir.path(), 16, 16);
  const BatchSource source(*data, torch::kCPU, torch::MemoryFormat::ChannelsLast);
  for (Split split : {Split::validation, Split::test}) {
    INFO(split_name(split));
    const torch::Tensor weights = source.focus_weights(split, 0, 2);
    REQUIRE(weights.sizes() == torch::IntArrayRef({2, 1, 16, 16}));
    CHECK(weights.scalar_type() == torch::kFloat32);
    CHECK(weights.is_contiguous(torch::MemoryFormat::ChannelsLast));
    // mask / 255: 255 -> 1 (in focus), 0 -> 0, each value as its byte says.
    CHECK(torch::equal(weights.mul(255.0f).round().to(torch::kUInt8), data->masks(split).narrow(0, 0, 2)));
    CHECK(weights.min().item<float>() >= 0.0f);
    CHECK(weights.max().item<float>() <= 1.0f);
  }
  CHECK_THROWS_AS(source.focus_weights(Split::train, 0, 1), std::invalid_argument);
}
