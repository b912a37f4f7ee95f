// The fp16 loss scaler on CPU tensors: scaling and exact unscaling by powers of two, inf/NaN
// detection, PyTorch's growth and backoff rules counted out by hand, no effect when disabled, and
// its state kept in last.pt so that a resumed run scales as an uninterrupted one.
#include "training/checkpoint.h"
#include "training/unet.h"
#include "training/loss_scaler.h"
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "support/temp_dir.h"

using namespace bokeh::training;
using namespace bokeh::common;

namespace {
// A parameter whose gradient is `grad`.
torch::Tensor with_grad(const torch::Tensor& grad) {
  torch::Tensor p = torch::zeros_like(grad).requires_grad_(true);
  p.mutable_grad() = grad.clone();
  return p;
}
}  // namespace

TEST_CASE("an enabled scaler multiplies the loss by the scale and divides the gradients back exactly",
          "[loss_scaler]") {
  const LossScaler scaler(true);
  CHECK(scaler.state().scale == 65536.0);
  const torch::Tensor loss = torch::tensor(0.375f);
  CHECK(scaler.scale(loss).item<float>() == 0.375f * 65536.0f);
  const torch::Tensor g1 = torch::tensor({1.5f, -3.0f, 0.25f}) * 65536.0f, g2 = torch::tensor({{2.0f}}) * 65536.0f;
  std::vector<torch::Tensor> params{with_grad(g1), with_grad(g2), torch::zeros({2}).requires_grad_(true)};  // no grad
  CHECK(scaler.unscale(params));
  CHECK(torch::equal(params[0].grad(), torch::tensor({1.5f, -3.0f, 0.25f})));
  CHECK(torch::equal(params[1].grad(), torch::tensor({{2.0f}})));
  CHECK_FALSE(params[2].grad().defined());
}

TEST_CASE("unscale reports an inf or a NaN anywhere in the gradients", "[loss_scaler]") {
  const LossScaler scaler(true);
  for (float bad : {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                    std::numeric_limits<float>::quiet_NaN()}) {
    INFO(bad);
    std::vector<torch::Tensor> params{with_grad(torch::ones({4})), with_grad(torch::tensor({1.0f, bad, 2.0f}))};
    CHECK_FALSE(scaler.unscale(params));
  }
  std::vector<torch::Tensor> fine{with_grad(torch::full({3}, 6e4f))};  // large but finite
  CHECK(scaler.unscale(fine));
}

TEST_CASE("the scale halves on a non-finite step and doubles after 2000 finite steps in a row", "[loss_scaler]") {
  LossScaler scaler(true);
  scaler.update(false);
  CHECK(scaler.state().scale == 32768.0);
  CHECK(scaler.state().growth_tracker == 0);
  for (int i = 0; i < 1999; ++i) scaler.update(true);
  CHECK(scaler.state().scale == 32768.0);
  CHECK(scaler.state().growth_tracker == 1999);
  scaler.update(true);  // the 2000th
  CHECK(scaler.state().scale == 65536.0);
  CHECK(scaler.state().growth_tracker == 0);
  for (int i = 0; i < 1500; ++i) scaler.update(true);
  scaler.update(false);  // an overflow restarts the count
  CHECK(scaler.state().scale == 32768.0);
  for (int i = 0; i < 1999; ++i) scaler.update(true);
  CHECK(scaler.state().scale == 32768.0);

  LossScaler huge(true, LossScalerState{std::numeric_limits<double>::max(), LossScaler::kGrowthInterval - 1});
  huge.update(true);  // growing would overflow: the scale stays
  CHECK(huge.state().scale == std::numeric_limits<double>::max());
  CHECK(huge.state().growth_tracker == 0);
}

TEST_CASE("a disabled scaler (bf16, fp32) changes nothing", "[loss_scaler]") {
  LossScaler scaler(false);
  const torch::Tensor loss = torch::tensor(0.5f);
  CHECK(scaler.scale(loss).item<float>() == 0.5f);
  std::vector<torch::Tensor> params{with_grad(torch::tensor({std::numeric_limits<float>::quiet_NaN(), 3.0f}))};
  CHECK(scaler.unscale(params));  // never skips: the trainer's non-finite loss check stays in charge
  CHECK(params[0].grad()[1].item<float>() == 3.0f);
  scaler.update(false);
  CHECK(scaler.state().scale == 65536.0);
}

TEST_CASE("the loss scale and its growth count survive last.pt", "[loss_scaler][checkpoint]") {
  bokeh::test::TempDir dir;
  UNet model(ModelConfig{4, 2, true});
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
  TrainingState state;
  state.epoch = 1;
  state.history.push_back({1, 0.5, 0.4, 0.1, 1e-3, 2.0, 8.0});
  state.scaler = LossScalerState{4096.0, 1234};
  const auto file = dir.path() / "last.pt";
  save_checkpoint(file, "run", *model, optimizer, state);
  const TrainingState back = load_checkpoint(file, "run", *model, optimizer, torch::kCPU);
  CHECK(back.scaler.scale == 4096.0);
  CHECK(back.scaler.growth_tracker == 1234);
}
