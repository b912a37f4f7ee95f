// `bench_data`: the prepared-data cache against decoding every epoch. Writes an EBB!-like folder
// (original/ and bokeh/ JPEGs at quality 95, rendered by the synthetic renderer and resized to a
// photo's size), then times PreparedData::prepare on it (list, decode, resize, write the cache once)
// against one pass of decode + resize of every pair, which an uncached loader pays every epoch,
// and against reading every pair back from the cache (what a cached epoch pays).
#include <chrono>
#include <filesystem>
#include <iostream>

#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "worker/ebb_reader.h"
#include "worker/image_io.h"
#include "worker/prepared_data.h"
#include "worker/synthetic_renderer.h"

using namespace bokeh::worker;
namespace fs = std::filesystem;

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// count pairs rendered at render_size, upscaled to photo_width x photo_height, saved as JPEG.
void write_photo_folder(const fs::path& root, int64_t count, int64_t render_size, int64_t photo_width,
                        int64_t photo_height) {
  SyntheticConfig s;
  s.count = count;
  s.size = render_size;
  fs::create_directories(root / "original");
  fs::create_directories(root / "bokeh");
  at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const SyntheticPair pair = render_synthetic_pair(s, i);
      const std::string name = std::to_string(i) + ".jpg";
      write_image(root / "original" / name, resize_image(pair.original, photo_width, photo_height));
      write_image(root / "bokeh" / name, resize_image(pair.bokeh, photo_width, photo_height));
    }
  });
}
}  // namespace

int main(int argc, char** argv) {
  std::string dir = "bench-data/photos";
  int64_t count = 60, render = 256, photo_w = 1536, photo_h = 1024, size = 128, threads = 2;
  CLI::App app{"Cache build time against decoding every epoch"};
  app.add_option("--dir", dir, "working folder (photos/ and cache/ go in it)")->capture_default_str();
  app.add_option("--pairs", count, "pairs")->capture_default_str();
  app.add_option("--photo-width", photo_w)->capture_default_str();
  app.add_option("--photo-height", photo_h)->capture_default_str();
  app.add_option("--size", size, "training resolution (square)")->capture_default_str();
  app.add_option("--threads", threads)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    at::set_num_threads(static_cast<int>(threads));
    const fs::path root = fs::path(dir) / fmt::format("photos-{}-{}x{}", count, photo_w, photo_h);
    if (!fs::is_directory(root / "bokeh")) write_photo_folder(root, count, render, photo_w, photo_h);

    DataConfig d;
    d.source = "ebb";
    d.root = root.string();
    d.height = d.width = size;
    d.test_pairs = count / 10;
    d.val_pairs = (count - d.test_pairs) / 5;
    d.train_pairs = count - d.test_pairs - d.val_pairs - 1;
    const fs::path cache = fs::path(dir) / "cache";
    fs::remove_all(cache);
    auto start = Clock::now();
    const auto data = PreparedData::prepare(d, cache);
    const double build = seconds_since(start);

    const DatasetSplits splits = list_dataset(d);
    std::vector<const PairFiles*> pairs;
    for (const auto* part : {&splits.train, &splits.validation, &splits.test})
      for (const auto& p : *part) pairs.push_back(&p);
    start = Clock::now();
    at::parallel_for(0, static_cast<int64_t>(pairs.size()), 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const auto a = resize_image(read_image(pairs[i]->original), size, size);
        const auto b = resize_image(read_image(pairs[i]->bokeh), size, size);
        if (a.rgb.empty() || b.rgb.empty()) throw std::runtime_error("empty image");
      }
    });
    const double decode = seconds_since(start);

    start = Clock::now();
    double checksum = 0;
    for (Split s : {Split::train, Split::validation, Split::test})
      checksum += data->inputs(s).to(torch::kFloat32).sum().item<double>() +
                  data->targets(s).to(torch::kFloat32).sum().item<double>();
    const double cached = seconds_since(start);

    const auto n = static_cast<double>(pairs.size());
    std::cout << fmt::format("{} pairs of {}x{} JPEG -> {}x{}, {} threads\n", pairs.size(), photo_w, photo_h, size,
                             size, at::get_num_threads());
    std::cout << fmt::format("cache build (once per sweep): {:.2f} s ({:.1f} ms/pair)\n", build, 1e3 * build / n);
    std::cout << fmt::format("decode + resize every pair (per epoch without a cache): {:.2f} s ({:.1f} ms/pair)\n",
                             decode, 1e3 * decode / n);
    std::cout << fmt::format("read every pair from the cache as float (per epoch with it): {:.4f} s ({:.3f} ms/pair)\n",
                             cached, 1e3 * cached / n);
    std::cout << fmt::format("{{\"pairs\": {}, \"cache_build_s\": {:.4f}, \"decode_epoch_s\": {:.4f}, "
                             "\"cached_epoch_s\": {:.5f}, \"checksum\": {:.0f}}}\n",
                             pairs.size(), build, decode, cached, checksum);
  } catch (const std::exception& e) {
    std::cerr << "bench_data: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
