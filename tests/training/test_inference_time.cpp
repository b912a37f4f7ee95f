// The inference figures of a run's best weights (training/inference_time.h): what they hold, where they
// were measured, and that train_run measures them only when asked; the CPU peak they report
// (training/cpu_tensor_peak.h) against bytes counted by hand. No wall-clock value is asserted.
#include "training/cpu_tensor_peak.h"
#include "training/inference_time.h"
#include "training/trainer.h"
#include "training/unet.h"

#include <catch2/catch.hpp>

#include <cmath>

#include <fmt/format.h>

#include "support/temp_dir.h"
#include "training/tiny_run.h"

using namespace bokeh;

TEST_CASE("A model's inference figures: the repeats, the device with its threads, a peak at least the photo's size",
          "[inference]") {
  torch::manual_seed(3);
  training::UNet net(common::ModelConfig{2, 2, true});
  torch::set_num_threads(1);
  net->train();  // time_inference sets eval mode itself
  const common::InferenceFigures figures =
      training::time_inference(net, torch::kCPU, torch::MemoryFormat::ChannelsLast, 2);
  CHECK_FALSE(net->is_training());
  CHECK(figures.repeats == 2);
  CHECK(figures.device == "cpu, 1 thread");
  CHECK(std::isfinite(figures.seconds));
  CHECK(figures.seconds > 0);
  // The photo alone is 3 x 1024 x 1536 floats (18 MB), allocated within the measurement.
  REQUIRE(figures.peak_mb.has_value());
  CHECK(*figures.peak_mb >= 3.0 * 1024 * 1536 * 4 / (1024 * 1024));
}

TEST_CASE("train_run times the best weights only when inference_repeats asks for it", "[inference]") {
  const test::TempDir dir;
  const auto data = test::tiny_data(dir.path() / "cache");
  torch::set_num_threads(2);
  training::TrainOptions options;
  CHECK_FALSE(training::train_run(test::tiny_config(1), *data, options).inference);
  options.inference_repeats = 1;
  const common::TrainResult timed = training::train_run(test::tiny_config(1), *data, options);
  REQUIRE(timed.inference);
  CHECK(timed.inference->repeats == 1);
  CHECK(timed.inference->device == "cpu, 2 threads");
}

TEST_CASE("The CPU tensor peak is the most bytes live at once in tensors allocated in its scope", "[inference]") {
  const torch::Tensor before = torch::zeros({1000});  // 4000 bytes from before the scope: not counted
  const training::CpuTensorPeak scope;
  {
    const torch::Tensor a = torch::empty({1000}), b = torch::empty({500});  // 4000 + 2000 bytes at once
  }
  { const torch::Tensor c = torch::empty({1200}); }  // 4800 bytes alone
  CHECK(scope.peak_bytes() == 6000);
  const torch::Tensor d = torch::empty({1600}, torch::kFloat64);  // 12800 bytes
  CHECK(scope.peak_bytes() == 12800);
}

TEST_CASE("A depth model is timed on a photo with its depth channel", "[inference]") {
  torch::manual_seed(3);
  training::UNet net(common::ModelConfig{2, 2, true, "unet", 4});
  torch::set_num_threads(1);
  const common::InferenceFigures figures =
      training::time_inference(net, torch::kCPU, torch::MemoryFormat::Contiguous, 1);
  CHECK(figures.repeats == 1);
  // The photo alone is 4 x 1024 x 1536 floats (24 MB); a 3-channel one would not reach the first conv.
  REQUIRE(figures.peak_mb.has_value());
  CHECK(*figures.peak_mb >= 4.0 * 1024 * 1536 * 4 / (1024 * 1024));
}
