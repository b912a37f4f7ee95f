// Mixed precision on the CPU: what train.precision resolves to per device, the autocast guard
// (on inside, restored after, nested), a U-Net's bf16 forward close to its fp32 one, a bf16 run
// that learns with fp32 weights and fp32 metrics that an independent evaluation reproduces, and a
// checkpoint of one precision refused by a run of another.
#include "training/checkpoint.h"
#include "training/unet.h"
#include "training/data/batches.h"
#include "training/image_metrics.h"
#include "training/precision.h"
#include "training/trainer.h"
#include <catch2/catch.hpp>

#include <ATen/autocast_mode.h>

#include "support/temp_dir.h"
#include "training/tiny_run.h"

namespace fs = std::filesystem;
using namespace bokeh::training;
using namespace bokeh::common;
using bokeh::test::TempDir;
using bokeh::test::tiny_config;
using bokeh::test::tiny_data;

TEST_CASE("train.precision resolves per device, impossible ones are refused naming the device", "[precision]") {
  CHECK(resolve_precision("auto", torch::kCPU) == Precision::fp32);
  CHECK(resolve_precision("fp32", torch::kCPU) == Precision::fp32);
  CHECK(resolve_precision("bf16", torch::kCPU) == Precision::bf16);
  CHECK_THROWS_WITH(resolve_precision("fp16", torch::kCPU), Catch::Contains("fp16") && Catch::Contains("cpu"));
  CHECK_THROWS_AS(resolve_precision("fp8", torch::kCPU), std::invalid_argument);
  CHECK_FALSE(cuda_supports_bf16(torch::kCPU));
  CHECK(std::string(precision_name(Precision::bf16)) == "bf16");
}

TEST_CASE("the autocast guard runs convolutions in bf16 inside and restores the state after", "[precision]") {
  const torch::Tensor x = torch::rand({1, 3, 8, 8}), w = torch::rand({4, 3, 3, 3});
  CHECK(torch::conv2d(x, w).scalar_type() == torch::kFloat32);
  {
    const AutocastGuard fp32(torch::kCPU, Precision::fp32);  // nothing for fp32
    CHECK(torch::conv2d(x, w).scalar_type() == torch::kFloat32);
  }
  {
    const AutocastGuard outer(torch::kCPU, Precision::bf16);
    CHECK(torch::conv2d(x, w).scalar_type() == torch::kBFloat16);
    {
      const AutocastGuard inner(torch::kCPU, Precision::bf16);
      CHECK(torch::conv2d(x, w).scalar_type() == torch::kBFloat16);
    }
    CHECK(torch::conv2d(x, w).scalar_type() == torch::kBFloat16);  // the inner guard left the outer's state
    CHECK((x + x).scalar_type() == torch::kFloat32);               // only the listed ops are cast
  }
  CHECK(torch::conv2d(x, w).scalar_type() == torch::kFloat32);
}

TEST_CASE("a U-Net's bf16 forward is close to its fp32 forward, its weights stay fp32", "[precision]") {
  torch::manual_seed(3);
  UNet model(ModelConfig{8, 3, true});
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor input = torch::rand({2, 3, 32, 32});
  const torch::Tensor reference = model->forward(input);
  torch::Tensor low;
  {
    const AutocastGuard autocast(torch::kCPU, Precision::bf16);
    low = model->forward(input);
  }
  CHECK(low.scalar_type() != torch::kFloat32);
  const double error = (low.to(torch::kFloat32) - reference).abs().max().item<double>();
  CHECK(error > 0.0);   // it did run in bf16
  CHECK(error < 0.02);  // bf16 keeps 8 bits of mantissa: outputs in [0, 1] agree to about 1e-2
  for (const auto& p : model->parameters()) CHECK(p.scalar_type() == torch::kFloat32);
}

TEST_CASE("a bf16 run on the CPU learns, keeps fp32 weights and reports fp32 metrics of its bf16 predictions",
          "[precision][trainer]") {
  at::set_num_threads(1);
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  TrainConfig config = tiny_config(4);
  config.precision = "bf16";
  TrainOptions options;
  options.checkpoint_dir = dir.path() / "run";
  const TrainResult result = train_run(config, *data, options);
  REQUIRE(result.history.size() == 4);
  CHECK(result.history.back().train_loss < 0.9 * result.history.front().train_loss);

  BokehNet model = load_best_model(options.checkpoint_dir, config.model);
  for (const auto& p : model->parameters()) CHECK(p.scalar_type() == torch::kFloat32);
  // The test figures: the best weights' forward in bf16 on the test split (one batch of 4, as the
  // trainer's batch size 5 makes it), the PSNR measured in fp32 here.
  torch::NoGradGuard no_grad;
  const Batch batch = make_batch(*data, Split::test, {0, 1, 2, 3}, false, 0, 0);
  torch::Tensor prediction;
  {
    const AutocastGuard autocast(torch::kCPU, Precision::bf16);
    prediction = model->forward(batch.input);
  }
  CHECK(prediction.scalar_type() == torch::kBFloat16);
  const double bf16_psnr = psnr(prediction.to(torch::kFloat32), batch.target).mean().item<double>();
  const double fp32_psnr = psnr(model->forward(batch.input), batch.target).mean().item<double>();
  CHECK(result.test.psnr == Approx(bf16_psnr).epsilon(1e-6));
  CHECK(bf16_psnr != fp32_psnr);  // the figure is of the bf16 predictions the run makes

  // The same settings in fp32 take another trajectory, and cannot continue the bf16 checkpoint: it is
  // set aside and the fp32 run starts from epoch 1.
  config.epochs = 5;
  config.precision = "fp32";
  std::string notice;
  std::vector<int64_t> epochs;
  options.on_notice = [&](const std::string&, const std::string& text) { notice = text; };
  options.on_epoch = [&](const EpochFigures& f) { epochs.push_back(f.epoch); };
  train_run(config, *data, options);
  CHECK_THAT(notice, Catch::Contains("another run") && Catch::Contains("bf16") && Catch::Contains("set aside"));
  CHECK(epochs == std::vector<int64_t>{1, 2, 3, 4, 5});
  config.precision = "fp16";  // the CPU has no fp16 autocast
  CHECK_THROWS_AS(train_run(config, *data, TrainOptions{}), std::invalid_argument);
}

TEST_CASE("channels_last batches and weights (the default) train to the same figures as NCHW", "[precision][trainer]") {
  at::set_num_threads(1);
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  const TrainConfig config = tiny_config(2);
  TrainOptions nchw;
  nchw.memory_format = torch::MemoryFormat::Contiguous;
  const TrainResult plain = train_run(config, *data, nchw);
  const TrainResult laid_out = train_run(config, *data, TrainOptions{});
  // Other kernels, other summation orders: equal up to rounding, not bit for bit.
  CHECK(laid_out.train_loss == Approx(plain.train_loss).epsilon(1e-3));
  CHECK(laid_out.test.psnr == Approx(plain.test.psnr).epsilon(1e-3));
}
