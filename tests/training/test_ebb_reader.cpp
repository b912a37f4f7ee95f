// EBB! reader on small folders written by the test: natural order, the seeded split, test roots,
// and each error case naming the offending file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "support/temp_dir.h"
#include "training/data/ebb_reader.h"
#include "training/data/image_io.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;
using bokeh::test::TempDir;

namespace {

Image solid(int64_t w, int64_t h, uint8_t value) { return Image{w, h, std::vector<uint8_t>(w * h * 3, value)}; }

// root/original/<stem><ext> and root/bokeh/<stem><ext> for stems 0..n-1.
void write_pairs(const fs::path& root, int n, const std::string& ext = ".png", int first = 0) {
  fs::create_directories(root / "original");
  fs::create_directories(root / "bokeh");
  for (int i = first; i < first + n; ++i) {
    write_image(root / "original" / (std::to_string(i) + ext), solid(6, 4, uint8_t(i)));
    write_image(root / "bokeh" / (std::to_string(i) + ext), solid(6, 4, uint8_t(255 - i)));
  }
}

std::set<std::string> stems(const std::vector<PairFiles>& pairs) {
  std::set<std::string> out;
  for (const auto& p : pairs) out.insert(p.stem);
  return out;
}

DataConfig ebb_config(const fs::path& root, int64_t train, int64_t val, int64_t test) {
  DataConfig config;
  config.source = "ebb";
  config.root = root.string();
  config.train_pairs = train, config.val_pairs = val, config.test_pairs = test;
  return config;
}

}  // namespace

TEST_CASE("natural order compares digit runs as numbers", "[ebb]") {
  CHECK(natural_less("2", "10"));
  CHECK_FALSE(natural_less("10", "2"));
  CHECK(natural_less("img9", "img10"));
  CHECK(natural_less("a10b2", "a10b11"));
  CHECK(natural_less("9", "a"));
  std::vector<std::string> names{"100", "20", "3", "1000", "0", "21"};
  std::sort(names.begin(), names.end(), natural_less);
  CHECK(names == std::vector<std::string>{"0", "3", "20", "21", "100", "1000"});
}

TEST_CASE("list_pairs matches stems across extensions, in natural order", "[ebb]") {
  TempDir dir;
  write_pairs(dir.path(), 12);
  write_image(dir.path() / "original" / "12.jpg", solid(6, 4, 1));
  write_image(dir.path() / "bokeh" / "12.PNG", solid(6, 4, 2));
  std::ofstream(dir.path() / "original" / "notes.txt") << "ignored";
  const auto pairs = list_pairs(dir.path());
  REQUIRE(pairs.size() == 13);
  for (size_t i = 0; i < pairs.size(); ++i) CHECK(pairs[i].stem == std::to_string(i));
  CHECK(pairs[12].original == dir.path() / "original" / "12.jpg");
  CHECK(pairs[12].bokeh == dir.path() / "bokeh" / "12.PNG");
}

TEST_CASE("without a test root: test is the last pairs, the rest a seeded 80:20 split", "[ebb]") {
  TempDir dir;
  write_pairs(dir.path(), 30);
  const DatasetSplits all = list_dataset(ebb_config(dir.path(), 20, 5, 5));  // 25 left: 20 + 5
  CHECK(stems(all.test) == std::set<std::string>{"25", "26", "27", "28", "29"});
  CHECK(all.test.front().stem == "25");
  CHECK(all.train.size() == 20);
  CHECK(all.validation.size() == 5);
  std::set<std::string> rest = stems(all.train);
  for (const auto& s : stems(all.validation)) CHECK(rest.insert(s).second);  // disjoint
  CHECK(rest.size() == 25);
  CHECK(stems(all.train).count("25") == 0);

  // Subsets are the first pairs of each part; the same seed gives the same split.
  const DatasetSplits subset = list_dataset(ebb_config(dir.path(), 7, 2, 5));
  CHECK(std::equal(subset.train.begin(), subset.train.end(), all.train.begin(),
                   [](const PairFiles& a, const PairFiles& b) { return a.stem == b.stem; }));
  CHECK(subset.validation[1].stem == all.validation[1].stem);
  CHECK(subset.train[3].original == dir.path() / "original" / (subset.train[3].stem + ".png"));
  CHECK(subset.train[3].bokeh == dir.path() / "bokeh" / (subset.train[3].stem + ".png"));

  DataConfig other = ebb_config(dir.path(), 20, 5, 5);
  other.split_seed = 1;
  CHECK(stems(list_dataset(other).validation) != stems(all.validation));
}

TEST_CASE("with a test root: test is its first pairs in natural order, root is all train/validation", "[ebb]") {
  TempDir dir;
  write_pairs(dir.path() / "train", 10);
  write_pairs(dir.path() / "test", 4, ".jpg", 8);  // stems 8..11
  DataConfig config = ebb_config(dir.path() / "train", 8, 2, 3);
  config.test_root = (dir.path() / "test").string();
  const DatasetSplits splits = list_dataset(config);
  REQUIRE(splits.test.size() == 3);
  CHECK(splits.test[0].stem == "8");
  CHECK(splits.test[2].stem == "10");
  CHECK(splits.test[0].original.parent_path().parent_path() == dir.path() / "test");
  CHECK(stems(splits.train).size() + stems(splits.validation).size() == 10);
}

TEST_CASE("asking for more pairs than a part holds is an error naming the numbers", "[ebb]") {
  TempDir dir;
  write_pairs(dir.path(), 10);  // test 2 -> 8 left -> validation round(1.6) = 2, train 6
  CHECK_NOTHROW(list_dataset(ebb_config(dir.path(), 6, 2, 2)));
  CHECK_THROWS_WITH(list_dataset(ebb_config(dir.path(), 7, 2, 2)),
                    Catch::Contains("train_pairs") && Catch::Contains("7") && Catch::Contains("6"));
  CHECK_THROWS_WITH(list_dataset(ebb_config(dir.path(), 6, 3, 2)),
                    Catch::Contains("val_pairs") && Catch::Contains("3") && Catch::Contains("2"));
  CHECK_THROWS_WITH(list_dataset(ebb_config(dir.path(), 1, 1, 11)),
                    Catch::Contains("test_pairs") && Catch::Contains("11") && Catch::Contains("10"));
}

TEST_CASE("bad folders are errors naming the folder or file", "[ebb]") {
  TempDir dir;
  SECTION("missing root") {
    CHECK_THROWS_WITH(list_pairs(dir.path() / "nope"), Catch::Contains("nope") && Catch::Contains("no such folder"));
  }
  SECTION("missing bokeh folder") {
    fs::create_directories(dir.path() / "original");
    CHECK_THROWS_WITH(list_pairs(dir.path()), Catch::Contains((dir.path() / "bokeh").string()));
  }
  SECTION("an original without its bokeh") {
    write_pairs(dir.path(), 3);
    write_image(dir.path() / "original" / "7.png", solid(6, 4, 0));
    CHECK_THROWS_WITH(list_pairs(dir.path()), Catch::Contains((dir.path() / "original" / "7.png").string()));
  }
  SECTION("a bokeh without its original") {
    write_pairs(dir.path(), 3);
    write_image(dir.path() / "bokeh" / "x5.jpg", solid(6, 4, 0));
    CHECK_THROWS_WITH(list_pairs(dir.path()), Catch::Contains((dir.path() / "bokeh" / "x5.jpg").string()));
  }
  SECTION("two files with one stem") {
    write_pairs(dir.path(), 3);
    write_image(dir.path() / "bokeh" / "1.jpg", solid(6, 4, 0));
    CHECK_THROWS_WITH(list_pairs(dir.path()), Catch::Contains("1.jpg") && Catch::Contains("1.png"));
  }
  SECTION("an original and its bokeh of different sizes") {
    write_pairs(dir.path(), 5);
    write_image(dir.path() / "bokeh" / "2.png", solid(5, 4, 0));
    CHECK_THROWS_WITH(list_dataset(ebb_config(dir.path(), 3, 1, 1)),
                      Catch::Contains((dir.path() / "original" / "2.png").string()) &&
                          Catch::Contains((dir.path() / "bokeh" / "2.png").string()) && Catch::Contains("5x4"));
  }
  SECTION("an unreadable image") {
    write_pairs(dir.path(), 5);
    std::ofstream(dir.path() / "original" / "3.png", std::ios::trunc) << "not a png";
    CHECK_THROWS_WITH(list_dataset(ebb_config(dir.path(), 3, 1, 1)),
                      Catch::Contains((dir.path() / "original" / "3.png").string()));
  }
}
