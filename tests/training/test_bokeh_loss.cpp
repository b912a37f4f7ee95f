// The combined loss: its terms and weights, the LPIPS-less cases, gradients, and that descending it fits.
#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include <unistd.h>

#include "support/temp_dir.h"
#include "training/bokeh_loss.h"
#include "training/focus_l1.h"
#include "training/lpips.h"
#include "training/ssim.h"

namespace fs = std::filesystem;
using bokeh::common::LossConfig;
using bokeh::test::TempDir;
using bokeh::training::BokehLoss;
using bokeh::training::Lpips;

namespace {
Lpips random_lpips(const TempDir& dir) {
  bokeh::training::save_lpips_weights(dir.path() / "lpips.bin", bokeh::training::random_lpips_weights(5));
  return Lpips(dir.path() / "lpips.bin");
}

struct Batch {
  torch::Tensor input, target, prediction;
};
Batch make_batch() {
  torch::manual_seed(4);
  Batch b;
  b.input = torch::rand({2, 3, 40, 40});
  b.target = b.input.clone();
  b.target.slice(3, 20, 40) = bokeh::training::pyramid_down(bokeh::training::pyramid_down(b.input))
                                  .repeat_interleave(4, 2)
                                  .repeat_interleave(4, 3)
                                  .slice(3, 20, 40);
  b.prediction = (b.target + 0.1 * torch::randn({2, 3, 40, 40})).clamp(0, 1);
  return b;
}
}  // namespace

TEST_CASE("an LPIPS weight without an LPIPS net is an error that says how to get the file", "[loss]") {
  LossConfig config;  // study defaults: l1 1, ssim 1, lpips 0.5
  try {
    BokehLoss loss(config, nullptr);
    FAIL("no error");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("tools/export_lpips_weights.py") && Catch::Contains("metrics.lpips_weights") &&
                            Catch::Contains("--lpips-weights"));
  }
  config.lpips = 0.0;
  config.l1 = -1.0;
  CHECK_THROWS_AS(BokehLoss(config, nullptr), std::invalid_argument);
}

TEST_CASE("without LPIPS: total = l1 * FocusL1 + ssim * (1 - SSIM), LPIPS reported as NaN", "[loss]") {
  const auto b = make_batch();
  LossConfig config;
  config.l1 = 2.0, config.ssim = 3.0, config.lpips = 0.0;
  const BokehLoss loss(config, nullptr);
  const auto terms = loss(b.prediction, b.target, b.input);
  const double focus = bokeh::training::focus_l1(b.prediction, b.target, b.input, config.focus).mean().item<double>();
  const double similarity = bokeh::training::ssim(b.prediction, b.target).mean().item<double>();
  CHECK(terms.focus_l1 == Approx(focus));
  CHECK(terms.ssim == Approx(similarity));
  CHECK(std::isnan(terms.lpips));
  CHECK(terms.total.dim() == 0);
  CHECK(terms.total.item<double>() == Approx(2.0 * focus + 3.0 * (1.0 - similarity)));

  const auto perfect = loss(b.target, b.target, b.input);
  CHECK(perfect.focus_l1 == 0.0);
  CHECK(perfect.ssim == Approx(1.0));
  CHECK(perfect.total.item<double>() == Approx(0.0).margin(1e-6));
}

TEST_CASE("with LPIPS: its weighted term joins the total, gradients reach only the prediction", "[loss]") {
  TempDir dir;
  const auto b = make_batch();
  auto net = random_lpips(dir);
  LossConfig config;  // 1, 1, 0.5
  const BokehLoss loss(config, net);
  auto prediction = b.prediction.clone().requires_grad_(true);
  const auto terms = loss(prediction, b.target, b.input);
  double distance;
  {
    torch::NoGradGuard no_grad;
    distance = net->forward(b.prediction, b.target).mean().item<double>();
  }
  CHECK(terms.lpips == Approx(distance));
  CHECK(terms.total.item<double>() == Approx(terms.focus_l1 + (1.0 - terms.ssim) + 0.5 * distance));
  terms.total.backward();
  REQUIRE(prediction.grad().defined());
  CHECK(torch::isfinite(prediction.grad()).all().item<bool>());
  for (const auto& p : net->parameters()) CHECK_FALSE(p.grad().defined());

  // a zero LPIPS weight with a net: reported, not added
  config.lpips = 0.0;
  const auto unweighted = BokehLoss(config, net)(b.prediction, b.target, b.input);
  CHECK(unweighted.lpips == Approx(distance));
  CHECK(unweighted.total.item<double>() == Approx(unweighted.focus_l1 + (1.0 - unweighted.ssim)));
}

TEST_CASE("gradient descent on the prediction lowers every term of the loss", "[loss]") {
  TempDir dir;
  const auto b = make_batch();
  const BokehLoss loss(LossConfig{}, random_lpips(dir));
  auto prediction = torch::full({2, 3, 40, 40}, 0.5).requires_grad_(true);
  torch::optim::Adam optimizer({prediction}, torch::optim::AdamOptions(0.02));
  const auto first = loss(prediction, b.target, b.input);
  for (int step = 0; step < 40; ++step) {
    optimizer.zero_grad();
    loss(prediction, b.target, b.input).total.backward();
    optimizer.step();
  }
  const auto last = loss(prediction, b.target, b.input);
  CHECK(last.total.item<double>() < 0.5 * first.total.item<double>());
  CHECK(last.focus_l1 < first.focus_l1);
  CHECK(last.ssim > first.ssim);
  CHECK(last.lpips < first.lpips);
}
