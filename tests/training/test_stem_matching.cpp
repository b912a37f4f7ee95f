// Stem matching of image files (the EBB! reader's and `metrics`' one implementation) and the mean of
// `metrics`' figures, against hand-made folders and hand-computed means.
#include <catch2/catch.hpp>

#include <fstream>
#include <limits>

#include "support/temp_dir.h"
#include "training/data/stem_matching.h"
#include "training/image_scores.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;

namespace {
void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "x";
}
}  // namespace

TEST_CASE("images pair by stem in stem order, any case of extension, other files ignored", "[stem_matching]") {
  bokeh::test::TempDir dir;
  for (const char* name : {"a/2.PNG", "a/10.jpg", "a/notes.txt", "b/10.jpeg", "b/2.png", "b/README"})
    touch(dir.path() / name);
  fs::create_directories(dir.path() / "a" / "sub.png");  // a folder with an image's name is not an image
  const auto matches = match_by_stem(dir.path() / "a", dir.path() / "b");
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].stem == "10");  // stem order (the EBB! reader sorts naturally afterwards)
  CHECK(matches[0].left == dir.path() / "a" / "10.jpg");
  CHECK(matches[0].right == dir.path() / "b" / "10.jpeg");
  CHECK(matches[1].stem == "2");
  CHECK(is_image_file_name("x.JpEg"));
  CHECK_FALSE(is_image_file_name("x.bmp"));
}

TEST_CASE("a stem on one side only, a shared stem and a missing folder are errors naming the file", "[stem_matching]") {
  using Catch::Contains;
  bokeh::test::TempDir dir;
  touch(dir.path() / "a" / "1.png");
  touch(dir.path() / "b" / "1.png");
  touch(dir.path() / "b" / "7.png");
  CHECK_THROWS_WITH(
      match_by_stem(dir.path() / "a", dir.path() / "b", "original", "bokeh"),
      (dir.path() / "b" / "7.png").string() + ": no original image with stem '7' in " + (dir.path() / "a").string());
  touch(dir.path() / "a" / "7.jpg");
  touch(dir.path() / "a" / "8.png");
  CHECK_THROWS_WITH(
      match_by_stem(dir.path() / "a", dir.path() / "b"),
      (dir.path() / "a" / "8.png").string() + ": no image with stem '8' in " + (dir.path() / "b").string());
  touch(dir.path() / "b" / "7.jpg");
  CHECK_THROWS_WITH(images_by_stem(dir.path() / "b"),
                    Contains("two files with stem '7'") && Contains("7.jpg") && Contains("7.png"));
  CHECK_THROWS_WITH(images_by_stem(dir.path() / "none"), (dir.path() / "none").string() + ": no such folder");
}

TEST_CASE("the mean of metrics' figures: every figure averaged, SSIM and LPIPS only when every pair has them",
          "[stem_matching]") {
  const double inf = std::numeric_limits<double>::infinity();
  const ImageScores mean = mean_scores({{30, 0.5, 0.25, 0.125}, {20, 0.75, 0.5, 0.375}});
  CHECK(mean.psnr == 25);
  CHECK(mean.ssim == 0.625);
  CHECK(mean.l1 == 0.375);
  REQUIRE(mean.lpips.has_value());
  CHECK(*mean.lpips == 0.25);
  CHECK_FALSE(mean_scores({{30, 0.5, 0.25, 0.125}, {20, 0.75, 0.5, std::nullopt}}).lpips.has_value());
  const ImageScores tiny_too = mean_scores({{30, 0.5, 0.25, std::nullopt}, {20, std::nullopt, 0.5, std::nullopt}});
  CHECK_FALSE(tiny_too.ssim.has_value());  // an image under 11x11 has none
  CHECK(tiny_too.psnr == 25);
  CHECK(tiny_too.l1 == 0.375);
  CHECK(mean_scores({{inf, 1, 0, std::nullopt}, {20, 0.5, 0.5, std::nullopt}}).psnr == inf);  // identical + other
}
