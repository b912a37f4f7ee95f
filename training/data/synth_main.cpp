// `synth`: renders a synthetic bokeh dataset (original/, bokeh/, depth/, mask/ PNGs) into a folder.
#include <chrono>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/exit_codes.h"
#include "training/data/synthetic_renderer.h"

int main(int argc, char** argv) {
  bokeh::common::SyntheticConfig config;
  std::string out;
  CLI::App app{"Render deterministic synthetic bokeh pairs in EBB!'s folder layout"};
  app.add_option("--out", out, "output folder (original/, bokeh/, depth/, mask/ are created in it)")->required();
  app.add_option("--count", config.count, "number of pairs")->capture_default_str();
  app.add_option("--size", config.size, "image size in pixels (square)")->capture_default_str();
  app.add_option("--seed", config.seed, "dataset seed")->capture_default_str();
  app.add_option("--focus", config.focus, "focus depth in [0, 1] (0 near, 1 far)")->capture_default_str();
  app.add_option("--aperture", config.aperture, "blur strength (1 ~ f/1.8 on EBB!)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const auto start = std::chrono::steady_clock::now();
    bokeh::training::write_synthetic_dataset(out, config);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << fmt::format("wrote {} pairs of {}x{} to {} in {:.2f} s ({:.0f} pairs/s)\n", config.count, config.size,
                             config.size, out, seconds, config.count / std::max(seconds, 1e-9));
  } catch (const std::exception& e) {
    std::cerr << "synth: " << e.what() << "\n";
    return bokeh::common::kExitFailed;
  }
  return bokeh::common::kExitOk;
}
