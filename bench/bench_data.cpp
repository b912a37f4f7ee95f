// `bench_data`: the prepared-data cache's decoding, old against new, and the cache against decoding
// every epoch. Writes an EBB!-like folder (original/ and bokeh/ JPEGs at quality 95 with stb's
// encoder, 4:4:4: synthetic scenes enlarged to a photo's size with a fixed film grain so that they
// compress like photos), then times on the same thread pool and the same files:
//   - the old path: stb_image decodes every file at full size, stb_image_resize shrinks it;
//   - the new path: read_image_fitted (libjpeg-turbo at the smallest DCT scale, then the fit);
//   - PreparedData::prepare, the whole cache build (list, header checks, decode, write, checksum);
//   - reading every pair back from the cache (what a cached epoch pays).
// The last line is JSON for bench/data_pipeline.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "worker/ebb_reader.h"
#include "worker/image_io.h"
#include "worker/parallel_jobs.h"
#include "worker/prepared_data.h"
#include "worker/seeded_rng.h"
#include "worker/synthetic_renderer.h"

using namespace bokeh::worker;
namespace fs = std::filesystem;

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The image with +-grain levels of seeded uniform noise per value (sensor grain: without it an
// enlarged synthetic scene compresses to a fraction of a photo's size and decodes faster).
Image with_grain(Image image, uint64_t seed, int grain) {
  SeededRng rng(seed);
  for (uint8_t& v : image.rgb) {
    const int noisy = v + static_cast<int>(rng.below(2 * grain + 1)) - grain;
    v = static_cast<uint8_t>(std::clamp(noisy, 0, 255));
  }
  return image;
}

// count pairs rendered at render_size, enlarged to photo_width x photo_height, grained, saved as JPEG.
void write_photo_folder(const fs::path& root, int64_t count, int64_t render_size, int64_t photo_width,
                        int64_t photo_height, int threads) {
  SyntheticConfig s;
  s.count = count;
  s.size = render_size;
  fs::create_directories(root / "original");
  fs::create_directories(root / "bokeh");
  run_parallel_jobs(count, threads, [&](int64_t i) {
    const SyntheticPair pair = render_synthetic_pair(s, i);
    const std::string name = std::to_string(i) + ".jpg";
    write_image(root / "original" / name, with_grain(resize_image(pair.original, photo_width, photo_height), 2 * i, 6));
    write_image(root / "bokeh" / name, with_grain(resize_image(pair.bokeh, photo_width, photo_height), 2 * i + 1, 6));
  });
}

// Seconds to decode every file with `decode` on `threads` threads (the result is checked, then dropped).
template <typename Decode>
double time_decoding(const std::vector<fs::path>& files, int threads, Decode decode) {
  const auto start = Clock::now();
  run_parallel_jobs(static_cast<int64_t>(files.size()), threads, [&](int64_t i) {
    if (decode(files[static_cast<size_t>(i)]).rgb.empty()) throw std::runtime_error("empty image");
  });
  return seconds_since(start);
}
}  // namespace

int main(int argc, char** argv) {
  std::string dir = "bench-data/photos";
  int64_t count = 120, render = 256, photo_w = 1536, photo_h = 1024, height = 256, width = 384;
  int threads = machine_cores();
  CLI::App app{"Cache build: old decoder against new, and against decoding every epoch"};
  app.add_option("--dir", dir, "working folder (photos-*/ and cache/ go in it)")->capture_default_str();
  app.add_option("--pairs", count, "pairs")->capture_default_str();
  app.add_option("--photo-width", photo_w)->capture_default_str();
  app.add_option("--photo-height", photo_h)->capture_default_str();
  app.add_option("--height", height, "training resolution")->capture_default_str();
  app.add_option("--width", width, "training resolution")->capture_default_str();
  app.add_option("--threads", threads, "decoding threads (the cache build itself uses every core)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const fs::path root = fs::path(dir) / fmt::format("photos-{}-{}x{}", count, photo_w, photo_h);
    if (!fs::is_directory(root / "bokeh")) write_photo_folder(root, count, render, photo_w, photo_h, threads);

    DataConfig d;
    d.source = "ebb";
    d.root = root.string();
    d.height = height;
    d.width = width;
    d.test_pairs = count / 10;
    d.val_pairs = (count - d.test_pairs) / 5;
    d.train_pairs = count - d.test_pairs - d.val_pairs - 1;
    const DatasetSplits splits = list_dataset(d);
    std::vector<fs::path> files;
    uintmax_t bytes = 0;
    for (const auto* part : {&splits.train, &splits.validation, &splits.test})
      for (const auto& p : *part) {
        files.push_back(p.original);
        files.push_back(p.bokeh);
        bytes += fs::file_size(p.original) + fs::file_size(p.bokeh);
      }
    const double pairs = static_cast<double>(files.size()) / 2;

    const double old_s = time_decoding(files, threads, [&](const fs::path& f) {
      return resize_image(read_image_with_stb(f), width, height);
    });
    const double new_s = time_decoding(files, threads, [&](const fs::path& f) { return read_image_fitted(f, width, height); });

    const fs::path cache = fs::path(dir) / "cache";
    fs::remove_all(cache);
    auto start = Clock::now();
    const auto data = PreparedData::prepare(d, cache);
    const double build_s = seconds_since(start);

    start = Clock::now();
    double checksum = 0;
    for (Split s : {Split::train, Split::validation, Split::test})
      checksum += data->inputs(s).to(torch::kFloat32).sum().item<double>() +
                  data->targets(s).to(torch::kFloat32).sum().item<double>();
    const double cached_s = seconds_since(start);

    std::cout << fmt::format("{} pairs of {}x{} JPEG (q95 4:4:4, {:.0f} KiB a file) -> {}x{}, {} threads\n", pairs,
                             photo_w, photo_h, bytes / 1024.0 / files.size(), height, width, threads);
    std::cout << fmt::format("old decode (stb full size + resize):  {:6.2f} s  {:7.1f} pairs/s\n", old_s, pairs / old_s);
    std::cout << fmt::format("new decode (turbojpeg DCT scale + fit): {:4.2f} s  {:7.1f} pairs/s  ({:.1f}x)\n", new_s,
                             pairs / new_s, old_s / new_s);
    std::cout << fmt::format("whole cache build (list, check, decode, write, checksum): {:.2f} s  {:.1f} pairs/s\n",
                             build_s, pairs / build_s);
    std::cout << fmt::format("read every pair from the cache as float (per epoch with it): {:.4f} s\n", cached_s);
    std::cout << fmt::format("{{\"photos\": \"{}\", \"pairs\": {}, \"threads\": {}, \"old_decode_s\": {:.4f}, "
                             "\"new_decode_s\": {:.4f}, \"cache_build_s\": {:.4f}, \"cached_epoch_s\": {:.5f}, "
                             "\"file_kib\": {:.1f}, \"checksum\": {:.0f}}}\n",
                             root.string(), pairs, threads, old_s, new_s, build_s, cached_s,
                             bytes / 1024.0 / files.size(), checksum);
  } catch (const std::exception& e) {
    std::cerr << "bench_data: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
