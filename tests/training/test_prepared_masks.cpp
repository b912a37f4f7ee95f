// The focus masks in the prepared-data cache (the synthetic pairs' rendered masks: test_prepared_data.cpp):
// given masks from data.mask_root (and each kind of bad one refused naming it, nothing written), masks derived from
// EBB!-style pairs without any, and a cache of the previous format version refused by open() and
// rebuilt by prepare().
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/temp_dir.h"
#include "training/data/ebb_reader.h"
#include "training/data/focus_masks.h"
#include "training/data/image_io.h"
#include "training/data/prepared_data.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;
using bokeh::test::TempDir;

namespace {

Image masked_noise(int64_t w, int64_t h, uint32_t seed, bool grey) {
  std::mt19937 gen(seed);
  Image image{w, h, std::vector<uint8_t>(w * h * 3)};
  for (size_t i = 0; i < image.rgb.size(); i += 3) {
    image.rgb[i] = static_cast<uint8_t>(gen() & 0xFF);
    image.rgb[i + 1] = grey ? image.rgb[i] : static_cast<uint8_t>(gen() & 0xFF);
    image.rgb[i + 2] = grey ? image.rgb[i] : static_cast<uint8_t>(gen() & 0xFF);
  }
  return image;
}

// 10 pairs of 20x14 noise PNGs, and with `masks` a grey 20x14 mask per stem under root/masks.
DataConfig write_masked_ebb(const fs::path& root, bool masks) {
  for (const char* folder : {"original", "bokeh", "masks"}) fs::create_directories(root / folder);
  for (uint32_t i = 0; i < 10; ++i) {
    const std::string name = std::to_string(i) + ".png";
    write_image(root / "original" / name, masked_noise(20, 14, i, false));
    write_image(root / "bokeh" / name, masked_noise(20, 14, 100 + i, false));
    if (masks) write_image(root / "masks" / name, masked_noise(20, 14, 200 + i, true));
  }
  DataConfig config;
  config.source = "ebb";
  config.root = root.string();
  if (masks) config.mask_root = (root / "masks").string();
  config.height = 8, config.width = 10;
  config.train_pairs = 5, config.val_pairs = 2, config.test_pairs = 2;
  return config;
}

torch::Tensor mask_tensor(const std::vector<uint8_t>& values, int64_t height, int64_t width) {
  return torch::tensor(std::vector<int64_t>(values.begin(), values.end()))
      .reshape({1, height, width})
      .to(torch::kUInt8);
}

const std::pair<Split, std::vector<PairFiles> DatasetSplits::*> kParts[] = {
    {Split::train, &DatasetSplits::train},
    {Split::validation, &DatasetSplits::validation},
    {Split::test, &DatasetSplits::test}};

}  // namespace

TEST_CASE("prepared masks: given masks are fitted like their pairs, one (N, 1, H, W) plane per split",
          "[prepared][focus_masks]") {
  TempDir dir;
  const DataConfig config = write_masked_ebb(dir.path() / "ebb", true);
  const auto data = PreparedData::prepare(config, dir.path() / "cache");
  CHECK(fs::file_size(data->file()) == static_cast<uintmax_t>(kPreparedHeaderBytes + 9 * (2 * 3 + 1) * 8 * 10));
  const DatasetSplits splits = list_dataset(config);
  for (const auto& [split, part] : kParts) {
    REQUIRE(data->masks(split).sizes() == torch::IntArrayRef({data->size(split), 1, 8, 10}));
    for (size_t j = 0; j < (splits.*part).size(); ++j) {
      const PairFiles& pair = (splits.*part)[j];
      CHECK(pair.mask == fs::path(config.mask_root) / (pair.stem + ".png"));
      const Image fitted = fit_image(read_image(pair.mask), 10, 8);
      std::vector<uint8_t> expected(80);
      for (size_t i = 0; i < 80; ++i) expected[i] = fitted.rgb[i * 3];
      CHECK(torch::equal(data->masks(split)[j], mask_tensor(expected, 8, 10)));
    }
  }
  // The pairs' checksum is the pixels' identity alone: the same pairs with derived masks give the same one.
  DataConfig derived = config;
  derived.mask_root.clear();
  const auto without = PreparedData::prepare(derived, dir.path() / "cache");
  CHECK(without->file() != data->file());
  CHECK(without->checksum() == data->checksum());
  CHECK_FALSE(torch::equal(without->masks(Split::train), data->masks(Split::train)));
}

TEST_CASE("prepared masks: without given masks they are derived from the prepared pair", "[prepared][focus_masks]") {
  TempDir dir;
  const DataConfig config = write_masked_ebb(dir.path() / "ebb", false);
  const auto data = PreparedData::prepare(config, dir.path() / "cache");
  for (const auto& [split, part] : kParts) {
    for (int64_t j = 0; j < data->size(split); ++j) {
      const torch::Tensor input = data->inputs(split)[j].contiguous(), target = data->targets(split)[j].contiguous();
      std::vector<uint8_t> expected(80);
      derive_focus_mask(input.data_ptr<uint8_t>(), target.data_ptr<uint8_t>(), 8, 10, expected.data());
      CHECK(torch::equal(data->masks(split)[j], mask_tensor(expected, 8, 10)));
    }
  }
}

TEST_CASE("prepared masks: bad given masks are refused naming the file and data.mask_root, nothing written",
          "[prepared][focus_masks]") {
  TempDir dir;
  DataConfig config = write_masked_ebb(dir.path() / "ebb", true);
  const fs::path cache = dir.path() / "cache";
  const PairFiles pair = list_dataset(config).validation[1];
  SECTION("no mask folder") {
    config.mask_root = (dir.path() / "nowhere").string();
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache), Catch::Contains(config.mask_root) &&
                                                                Catch::Contains("no such folder") &&
                                                                Catch::Contains("data.mask_root"));
  }
  SECTION("a stem without a mask") {
    fs::remove(pair.mask);
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache), Catch::Contains(pair.original.string()) &&
                                                                Catch::Contains("no mask with stem '" + pair.stem) &&
                                                                Catch::Contains("data.mask_root"));
  }
  SECTION("a mask of another size") {
    write_image(pair.mask, masked_noise(14, 20, 5, true));
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache),
                      Catch::Contains(pair.mask.string()) && Catch::Contains("size mismatch"));
  }
  SECTION("a mask in colour") {
    write_image(pair.mask, masked_noise(20, 14, 5, false));
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache), Catch::Contains(pair.mask.string()) &&
                                                                Catch::Contains("not a grayscale mask") &&
                                                                Catch::Contains("data.mask_root"));
  }
  SECTION("one mask folder for two roots whose stems collide") {
    config.test_root = write_masked_ebb(dir.path() / "other", false).root;
    config.train_pairs = 8;  // with the 2 validation pairs, every stem of data.root: 0 and 1 collide
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache), Catch::Contains("data.test_root"));
  }
  if (fs::exists(cache)) CHECK(fs::is_empty(cache));
}

TEST_CASE("prepared masks: a cache of format version 1 is refused by open and rebuilt by prepare",
          "[prepared][focus_masks]") {
  TempDir dir;
  const DataConfig config = write_masked_ebb(dir.path() / "ebb", false);
  const fs::path cache = dir.path() / "cache";
  const auto built = PreparedData::prepare(config, cache);
  const fs::path file = built->file();
  const torch::Tensor masks = built->masks(Split::train).clone();
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    const uint32_t old_version = 1;
    f.seekp(8);  // after the magic
    f.write(reinterpret_cast<const char*>(&old_version), sizeof old_version);
  }
  CHECK_THROWS_WITH(PreparedData::open(file),
                    Catch::Contains(file.string()) && Catch::Contains("format version 1, expected 2"));
  const auto rebuilt = PreparedData::prepare(config, cache);
  CHECK(rebuilt->file() == file);
  CHECK(torch::equal(rebuilt->masks(Split::train), masks));
}
