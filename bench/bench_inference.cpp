// `bench_inference`: our side of bench/inference: a run's best weights (best.pt in --checkpoints, the
// U-Net --width/--depth/--batch-norm) rendering one 1024x1536 photo on the CPU with --threads threads,
// timed as the worker times it (training/inference_time.h: a warm-up pass, then --repeats timed ones);
// prints JSON with the median seconds and the peak memory.
#include <iostream>

#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "training/checkpoint.h"
#include "training/inference_time.h"
#include "training/trainer.h"

int main(int argc, char** argv) {
  std::string checkpoints;
  bokeh::common::ModelConfig model;
  int threads = 1;
  int64_t repeats = 3;
  CLI::App app{"Time a run's best weights on one 1024x1536 photo (bench/inference)", "bench_inference"};
  app.add_option("--checkpoints", checkpoints, "the run's checkpoint folder (holds best.pt)")->required();
  app.add_option("--width", model.width)->required();
  app.add_option("--depth", model.depth)->required();
  app.add_option("--batch-norm", model.batch_norm)->required();
  app.add_option("--threads", threads)->capture_default_str();
  app.add_option("--repeats", repeats)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  at::set_num_threads(threads);
  at::set_num_interop_threads(1);
  bokeh::training::BokehNet net = bokeh::training::load_best_model(checkpoints, model);
  bokeh::training::lay_out(net, torch::MemoryFormat::ChannelsLast);  // as the trainer lays its weights out
  const bokeh::common::InferenceFigures f =
      bokeh::training::time_inference(net, torch::kCPU, torch::MemoryFormat::ChannelsLast, repeats);
  std::cout << nlohmann::json{{"seconds", f.seconds}, {"peak_mb", f.peak_mb.value_or(-1)}, {"device", f.device}}.dump()
            << "\n";
}
