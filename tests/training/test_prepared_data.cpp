// Prepared-data cache: round trip against direct decoding, reuse, invalidation when an input
// changes, detection (and rebuild) of corrupted and truncated files, bad source images refused
// with their name and nothing written, the synthetic source (its masks the renderer's).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/temp_dir.h"
#include "training/data/ebb_reader.h"
#include "training/data/image_io.h"
#include "training/data/prepared_data.h"
#include "training/data/synthetic_renderer.h"
#include "training/jpeg_fixtures.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;
using bokeh::test::TempDir;

namespace {

Image noise_image(int64_t w, int64_t h, uint32_t seed) {
  std::mt19937 gen(seed);
  Image image{w, h, std::vector<uint8_t>(w * h * 3)};
  for (auto& v : image.rgb) v = static_cast<uint8_t>(gen() & 0xFF);
  return image;
}

// 12 pairs of 20x14 noise PNGs.
DataConfig write_ebb(const fs::path& root) {
  fs::create_directories(root / "original");
  fs::create_directories(root / "bokeh");
  for (uint32_t i = 0; i < 12; ++i) {
    write_image(root / "original" / (std::to_string(i) + ".png"), noise_image(20, 14, i));
    write_image(root / "bokeh" / (std::to_string(i) + ".png"), noise_image(20, 14, 100 + i));
  }
  DataConfig config;
  config.source = "ebb";
  config.root = root.string();
  config.height = 8, config.width = 10;
  config.train_pairs = 6, config.val_pairs = 2, config.test_pairs = 2;
  return config;
}

// (3, H, W) uint8 of the file decoded, centre-cropped to the target's aspect and resized directly:
// the expected cache content.
torch::Tensor direct(const fs::path& file, int64_t height, int64_t width) {
  const Image image = fit_image(read_image(file), width, height);
  return torch::tensor(std::vector<int64_t>(image.rgb.begin(), image.rgb.end()))
      .reshape({height, width, 3})
      .permute({2, 0, 1})
      .to(torch::kUInt8);
}

void check_matches_direct(const PreparedData& data, const DataConfig& config) {
  const DatasetSplits splits = list_dataset(config);
  const std::pair<Split, const std::vector<PairFiles>*> parts[] = {
      {Split::train, &splits.train}, {Split::validation, &splits.validation}, {Split::test, &splits.test}};
  for (const auto& [split, pairs] : parts) {
    REQUIRE(data.size(split) == static_cast<int64_t>(pairs->size()));
    REQUIRE(data.inputs(split).sizes() == torch::IntArrayRef({data.size(split), 3, config.height, config.width}));
    for (size_t j = 0; j < pairs->size(); ++j) {
      CHECK(torch::equal(data.inputs(split)[j], direct((*pairs)[j].original, config.height, config.width)));
      CHECK(torch::equal(data.targets(split)[j], direct((*pairs)[j].bokeh, config.height, config.width)));
    }
  }
}

void flip_byte(const fs::path& file, std::streamoff offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  const char c = static_cast<char>(f.get() ^ 0x01);
  f.seekp(offset);
  f.put(c);
}

}  // namespace

TEST_CASE("prepared data equals direct decoding and resizing, split by split", "[prepared]") {
  TempDir dir;
  const DataConfig config = write_ebb(dir.path() / "ebb");
  const auto data = PreparedData::prepare(config, dir.path() / "cache");
  CHECK(data->height() == 8);
  CHECK(data->width() == 10);
  CHECK(data->inputs(Split::train).dtype() == torch::kUInt8);
  CHECK(data->file().parent_path() == dir.path() / "cache");
  // The pairs, then one mask plane each (format version 2).
  CHECK(fs::file_size(data->file()) ==
        static_cast<uintmax_t>(kPreparedHeaderBytes + 2 * 10 * 3 * 8 * 10 + 10 * 8 * 10));
  check_matches_direct(*data, config);

  // The views outlive the PreparedData that made them (they hold the mapping).
  const torch::Tensor test_inputs = data->inputs(Split::test);
  const torch::Tensor expected = test_inputs.clone();
  const fs::path file = data->file();
  CHECK(torch::equal(PreparedData::open(file)->inputs(Split::test), expected));
  CHECK(torch::equal(test_inputs, expected));
}

TEST_CASE("prepared data is reused while valid and rebuilt under a new key when an input changes", "[prepared]") {
  TempDir dir;
  DataConfig config = write_ebb(dir.path() / "ebb");
  const fs::path cache = dir.path() / "cache";
  const auto first = PreparedData::prepare(config, cache);
  const auto written = fs::last_write_time(first->file());
  const auto again = PreparedData::prepare(config, cache);
  CHECK(again->file() == first->file());
  CHECK(fs::last_write_time(again->file()) == written);  // not rebuilt

  DataConfig resized = config;
  resized.height = 6;
  CHECK(PreparedData::prepare(resized, cache)->file() != first->file());
  DataConfig fewer = config;
  fewer.train_pairs = 5;
  CHECK(PreparedData::prepare(fewer, cache)->file() != first->file());
  DataConfig reseeded = config;
  reseeded.split_seed = 3;
  CHECK(PreparedData::prepare(reseeded, cache)->file() != first->file());

  // New content in one of the files: a new key, and the new pixels.
  const fs::path changed = list_dataset(config).train[0].original;
  write_image(changed, noise_image(20, 14, 999));
  fs::last_write_time(changed, written + std::chrono::seconds(5));
  const auto rebuilt = PreparedData::prepare(config, cache);
  CHECK(rebuilt->file() != first->file());
  CHECK(torch::equal(rebuilt->inputs(Split::train)[0], direct(changed, 8, 10)));
  CHECK_FALSE(torch::equal(rebuilt->inputs(Split::train)[0], first->inputs(Split::train)[0]));
}

TEST_CASE("a corrupted or truncated cache file is detected, never read, and rebuilt", "[prepared]") {
  TempDir dir;
  const DataConfig config = write_ebb(dir.path() / "ebb");
  const fs::path cache = dir.path() / "cache";
  const fs::path file = PreparedData::prepare(config, cache)->file();
  const auto size = static_cast<std::streamoff>(fs::file_size(file));

  SECTION("a flipped payload byte") {
    flip_byte(file, size - 37);
    CHECK_THROWS_WITH(PreparedData::open(file), Catch::Contains(file.string()) && Catch::Contains("checksum"));
  }
  SECTION("a flipped header byte (the height)") {
    flip_byte(file, 24);
    CHECK_THROWS_WITH(PreparedData::open(file), Catch::Contains(file.string()));
  }
  SECTION("a bad magic") {
    flip_byte(file, 0);
    CHECK_THROWS_WITH(PreparedData::open(file), Catch::Contains(file.string()) && Catch::Contains("magic"));
  }
  SECTION("a truncated payload") {
    fs::resize_file(file, size - 100);
    CHECK_THROWS_WITH(PreparedData::open(file), Catch::Contains(file.string()) && Catch::Contains("truncated"));
  }
  SECTION("a truncated header") {
    fs::resize_file(file, 10);
    CHECK_THROWS_WITH(PreparedData::open(file), Catch::Contains(file.string()) && Catch::Contains("truncated"));
  }
  // prepare() detects the damage and rebuilds the same file with the right content.
  const auto rebuilt = PreparedData::prepare(config, cache);
  CHECK(rebuilt->file() == file);
  CHECK(fs::file_size(file) == static_cast<uintmax_t>(size));
  check_matches_direct(*rebuilt, config);
  CHECK_THROWS_WITH(PreparedData::open(dir.path() / "missing.bin"), Catch::Contains("missing.bin"));
}

TEST_CASE("the synthetic source is rendered once into the cache and read like EBB!", "[prepared]") {
  TempDir dir;
  DataConfig config;  // source "synthetic"
  config.synthetic.count = 10, config.synthetic.size = 16, config.synthetic.seed = 5;
  config.height = 16, config.width = 16;
  config.train_pairs = 5, config.val_pairs = 2, config.test_pairs = 2;
  const auto data = PreparedData::prepare(config, dir.path());
  int folders = 0;
  fs::path rendered;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.is_directory()) ++folders, rendered = entry.path();
  CHECK(folders == 1);
  CHECK(rendered.filename().string().rfind("synthetic-", 0) == 0);
  CHECK(fs::exists(rendered / "depth" / "9.png"));

  // The test split is the last two stems in natural order: pairs 8 and 9, pixel for pixel.
  for (int64_t j = 0; j < 2; ++j) {
    const SyntheticPair pair = render_synthetic_pair(config.synthetic, 8 + j);
    auto chw = [](const Image& image) {
      return torch::tensor(std::vector<int64_t>(image.rgb.begin(), image.rgb.end()))
          .reshape({image.height, image.width, 3})
          .permute({2, 0, 1})
          .to(torch::kUInt8);
    };
    CHECK(torch::equal(data->inputs(Split::test)[j], chw(pair.original)));
    CHECK(torch::equal(data->targets(Split::test)[j], chw(pair.bokeh)));
    CHECK(torch::equal(data->masks(Split::test)[j], chw(pair.mask).slice(0, 0, 1)));  // the renderer's masks
  }
  const auto rendered_at = fs::last_write_time(rendered / "original" / "0.png");
  CHECK(PreparedData::prepare(config, dir.path())->file() == data->file());
  CHECK(fs::last_write_time(rendered / "original" / "0.png") == rendered_at);  // not rendered again

  DataConfig unknown = config;
  unknown.source = "flickr";
  CHECK_THROWS_WITH(PreparedData::prepare(unknown, dir.path()), Catch::Contains("flickr"));
}

TEST_CASE("a bad source image stops the build with its name, and no cache file is left", "[prepared]") {
  TempDir dir;
  DataConfig config = write_ebb(dir.path() / "ebb");
  const fs::path cache = dir.path() / "cache";
  const fs::path bad = list_dataset(config).validation[1].bokeh;
  SECTION("a truncated JPEG (found while decoding, not by the header check)") {
    fs::remove(bad);
    const fs::path jpeg = fs::path(bad).replace_extension(".jpg");
    const auto bytes = bokeh::test::encode_jpeg(noise_image(20, 14, 5).rgb, 20, 14, TJPF_RGB, TJSAMP_444);
    bokeh::test::write_bytes(jpeg, std::vector<uint8_t>(bytes.begin(), bytes.end() - bytes.size() / 3));
    CHECK_NOTHROW(list_dataset(config));
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache),
                      Catch::Contains(jpeg.string()) && Catch::Contains("truncated"));
  }
  SECTION("not an image") {
    bokeh::test::write_bytes(bad, {'n', 'o', 'p', 'e'});
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache), Catch::Contains(bad.string()));
  }
  SECTION("a stem without its partner") {
    fs::remove(bad);
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache),
                      Catch::Contains((dir.path() / "ebb" / "original" / bad.filename()).string()) &&
                          Catch::Contains("no bokeh image"));
  }
  SECTION("an original and its bokeh of different sizes") {
    write_image(bad, noise_image(14, 20, 5));
    CHECK_THROWS_WITH(PreparedData::prepare(config, cache),
                      Catch::Contains(bad.string()) && Catch::Contains("size mismatch"));
  }
  // Nothing was written: no cache file, no temporary file.
  if (fs::exists(cache)) CHECK(fs::is_empty(cache));
}
