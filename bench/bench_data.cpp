// `bench_data`: the prepared-data cache's decoding, old against new, and the cache against decoding
// every epoch. Writes an EBB!-like folder (original/ and bokeh/ JPEGs at quality 95 with stb's
// encoder, 4:4:4: synthetic scenes enlarged to a photo's size with a fixed film grain so that they
// compress like photos), then times on the same thread pool and the same files:
//   - the old path: stb_image decodes every file at full size, stb_image_resize shrinks it;
//   - the new path: read_image_fitted (libjpeg-turbo at the smallest DCT scale, then the fit);
//   - PreparedData::prepare, the whole cache build (list, header checks, decode, write, checksum);
//   - reading every pair back from the cache (what a cached epoch pays).
// The last line is JSON for bench/data_pipeline.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/seeded_rng.h"
#include "training/data/ebb_reader.h"
#include "training/data/image_io.h"
#include "training/data/parallel_jobs.h"
#include "training/data/prepared_data.h"
#include "training/data/synthetic_renderer.h"

using namespace bokeh::training;
using namespace bokeh::common;
namespace fs = std::filesystem;

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU seconds this process has used, all threads (user + system): on a loaded machine the wall time
// measures the load, this the work.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Wall and CPU seconds of f().
template <typename F>
std::pair<double, double> timed(F f) {
  const auto start = Clock::now();
  const double cpu = cpu_seconds();
  f();
  return {seconds_since(start), cpu_seconds() - cpu};
}

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

// count pairs rendered at render_size, enlarged to photo_width x photo_height, grained (+-grain
// levels), saved as JPEG.
void write_photo_folder(const fs::path& root, int64_t count, int64_t render_size, int64_t photo_width,
                        int64_t photo_height, int grain, int threads) {
  SyntheticConfig s;
  s.count = count;
  s.size = render_size;
  fs::create_directories(root / "original");
  fs::create_directories(root / "bokeh");
  run_parallel_jobs(count, threads, [&](int64_t i) {
    const SyntheticPair pair = render_synthetic_pair(s, i);
    const std::string name = std::to_string(i) + ".jpg";
    write_image(root / "original" / name,
                with_grain(resize_image(pair.original, photo_width, photo_height), 2 * i, grain));
    write_image(root / "bokeh" / name,
                with_grain(resize_image(pair.bokeh, photo_width, photo_height), 2 * i + 1, grain));
  });
}

// Wall and CPU seconds to decode every file with `decode` on `threads` threads (each result is
// checked, then dropped).
template <typename Decode>
std::pair<double, double> time_decoding(const std::vector<fs::path>& files, int threads, Decode decode) {
  return timed([&] {
    run_parallel_jobs(static_cast<int64_t>(files.size()), threads, [&](int64_t i) {
      if (decode(files[static_cast<size_t>(i)]).rgb.empty()) throw std::runtime_error("empty image");
    });
  });
}
}  // namespace

int main(int argc, char** argv) {
  std::string dir = "bench-data/photos";
  int64_t count = 120, render = 256, photo_w = 1536, photo_h = 1024, height = 256, width = 384;
  int threads = machine_cores(), grain = 3;
  CLI::App app{"Cache build: old decoder against new, and against decoding every epoch"};
  app.add_option("--dir", dir, "working folder (photos-*/ and cache/ go in it)")->capture_default_str();
  app.add_option("--pairs", count, "pairs")->capture_default_str();
  app.add_option("--photo-width", photo_w)->capture_default_str();
  app.add_option("--photo-height", photo_h)->capture_default_str();
  app.add_option("--grain", grain, "film grain in levels: sets the files' size (3: about EBB!'s)")
      ->capture_default_str();
  app.add_option("--height", height, "training resolution")->capture_default_str();
  app.add_option("--width", width, "training resolution")->capture_default_str();
  app.add_option("--threads", threads, "decoding threads (the cache build itself uses every core)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const fs::path root = fs::path(dir) / fmt::format("photos-{}-{}x{}-grain{}", count, photo_w, photo_h, grain);
    if (!fs::is_directory(root / "bokeh")) write_photo_folder(root, count, render, photo_w, photo_h, grain, threads);

    DataConfig d;
    d.source = "ebb";
    d.root = root.string();
    d.height = height;
    d.width = width;
    d.test_pairs = count / 10;  // then every other pair: the whole 80:20 split of the rest
    d.val_pairs = (count - d.test_pairs + 2) / 5;
    d.train_pairs = count - d.test_pairs - d.val_pairs;
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

    const auto [old_s, old_cpu] = time_decoding(
        files, threads, [&](const fs::path& f) { return resize_image(read_image_with_stb(f), width, height); });
    const auto [new_s, new_cpu] =
        time_decoding(files, threads, [&](const fs::path& f) { return read_image_fitted(f, width, height); });

    const fs::path cache = fs::path(dir) / "cache";
    fs::remove_all(cache);
    std::shared_ptr<const PreparedData> data;
    const auto [build_s, build_cpu] = timed([&] { data = PreparedData::prepare(d, cache); });

    double checksum = 0;
    const auto [cached_s, cached_cpu] = timed([&] {
      for (Split s : {Split::train, Split::validation, Split::test})
        checksum += data->inputs(s).to(torch::kFloat32).sum().item<double>() +
                    data->targets(s).to(torch::kFloat32).sum().item<double>();
    });

    auto line = [&](const char* what, double wall, double cpu) {
      std::cout << fmt::format("{:<58} {:7.2f} s {:7.1f} pairs/s   CPU {:6.1f} ms/pair\n", what, wall, pairs / wall,
                               1e3 * cpu / pairs);
    };
    std::cout << fmt::format("{} pairs of {}x{} JPEG (q95 4:4:4, {:.0f} KiB a file) -> {}x{}, {} threads\n", pairs,
                             photo_w, photo_h, bytes / 1024.0 / files.size(), height, width, threads);
    line("old decode (stb full size + resize)", old_s, old_cpu);
    line("new decode (turbojpeg DCT scale + fit)", new_s, new_cpu);
    line("whole cache build (list, check, decode, write, checksum)", build_s, build_cpu);
    line("read every pair from the cache as float (a cached epoch)", cached_s, cached_cpu);
    std::cout << fmt::format(
        "{{\"photos\": \"{}\", \"pairs\": {}, \"threads\": {}, \"old_decode_s\": {:.4f}, "
        "\"old_decode_cpu_s\": {:.4f}, \"new_decode_s\": {:.4f}, \"new_decode_cpu_s\": {:.4f}, "
        "\"cache_build_s\": {:.4f}, \"cache_build_cpu_s\": {:.4f}, \"cached_epoch_s\": {:.5f}, "
        "\"file_kib\": {:.1f}, \"checksum\": {:.0f}}}\n",
        root.string(), pairs, threads, old_s, old_cpu, new_s, new_cpu, build_s, build_cpu, cached_s,
        bytes / 1024.0 / files.size(), checksum);
  } catch (const std::exception& e) {
    std::cerr << "bench_data: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
