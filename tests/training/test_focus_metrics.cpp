// Focus figures (training/focus_metrics.h) against values computed here by hand: weighted PSNR on
// small images, the SSIM of single windows from the 2-D Gaussian directly, the global figures when
// every pixel is in focus, no value without weight; the study's case (a blurred subject against an
// error of the same MSE in the background); and the blur figure on Gaussian blurs of known sigma.
#include <catch2/catch.hpp>

#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "training/focus_metrics.h"
#include "training/image_metrics.h"
#include "training/metric_sums.h"
#include "training/ssim.h"

using namespace bokeh::training;
using torch::indexing::Slice;

namespace {
// (N, 3, H, W) images blurred by a Gaussian of `sigma` (taps to 3 sigma), edges reflected.
torch::Tensor blurred_by(const torch::Tensor& images, double sigma) {
  const auto radius = static_cast<int64_t>(std::ceil(3 * sigma));
  const auto padded = torch::reflection_pad2d(images, {radius, radius, radius, radius});
  return separable_filter_valid(padded, gaussian_kernel_1d(2 * radius + 1, sigma, images.options()));
}

// SSIM of the 11x11 window at (top, left), one channel, from the 2-D Gaussian's weights directly.
double direct_window_ssim(const torch::Tensor& x, const torch::Tensor& y, int64_t top, int64_t left) {
  double g[11], total = 0;
  for (int i = 0; i < 11; ++i) total += g[i] = std::exp(-(i - 5.0) * (i - 5.0) / (2 * 1.5 * 1.5));
  double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
  for (int i = 0; i < 11; ++i)
    for (int j = 0; j < 11; ++j) {
      const double w = g[i] * g[j] / (total * total);
      const double a = x[top + i][left + j].item<double>(), b = y[top + i][left + j].item<double>();
      mx += w * a, my += w * b, xx += w * a * a, yy += w * b * b, xy += w * a * b;
    }
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  return (2 * mx * my + c1) * (2 * (xy - mx * my) + c2) /
         ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2));
}
}  // namespace

TEST_CASE("fg_psnr and bg_psnr are the weighted MSE's PSNR, by hand on a 4x4 image", "[focus_metrics]") {
  const auto target = torch::full({1, 3, 4, 4}, 0.5, torch::kFloat64);
  auto pred = target.clone();
  pred.index_put_({0, 0, Slice(), Slice(0, 2)}, 0.8);        // left half: red off by 0.3 -> MSE over 3 channels 0.03
  pred.index_put_({0, Slice(), Slice(), Slice(2, 4)}, 0.4);  // right half: all off by 0.1 -> MSE 0.01
  auto weights = torch::zeros({1, 1, 4, 4}, torch::kFloat64);
  weights.index_put_({0, 0, Slice(), Slice(0, 2)}, 1.0);

  auto s = focus_scores(pred, target, weights).at(0);
  CHECK(*s.fg_psnr == Approx(10 * std::log10(1 / 0.03)));
  CHECK(*s.bg_psnr == Approx(20.0));
  CHECK_FALSE(s.fg_ssim);  // under 11x11
  CHECK_FALSE(s.bg_ssim);
  REQUIRE(s.bg_blur);

  // weights 0.5 on the left: fg still sees only the left (a constant error); bg weighs left 0.5, right 1
  weights.index_put_({0, 0, Slice(), Slice(0, 2)}, 0.5);
  s = focus_scores(pred, target, weights).at(0);
  CHECK(*s.fg_psnr == Approx(10 * std::log10(1 / 0.03)));
  CHECK(*s.bg_psnr == Approx(10 * std::log10((0.5 * 8 + 8) / (0.5 * 8 * 0.03 + 8 * 0.01))));
}

TEST_CASE("fg_ssim and bg_ssim average the SSIM map under the weights cropped to it", "[focus_metrics]") {
  torch::manual_seed(3);
  // 12x13 images: a 2x3 SSIM map; the map's position (r, c) is the window whose centre is pixel (r + 5, c + 5)
  const auto target = torch::rand({1, 3, 12, 13}, torch::kFloat64);
  const auto pred = (target + 0.2 * torch::rand({1, 3, 12, 13}, torch::kFloat64)).clamp(0, 1);
  auto weights = torch::zeros({1, 1, 12, 13}, torch::kFloat64);
  weights[0][0][6][5] = 1.0;  // the map's (1, 0)
  weights[0][0][0][0] = 1.0;  // outside the map: counts for PSNR only
  const auto window = [&](int64_t r, int64_t c) {
    double sum = 0;
    for (int64_t ch = 0; ch < 3; ++ch) sum += direct_window_ssim(pred[0][ch], target[0][ch], r, c);
    return sum / 3;
  };
  const auto s = focus_scores(pred, target, weights).at(0);
  CHECK(*s.fg_ssim == Approx(window(1, 0)).epsilon(1e-10));
  double others = 0;  // background: every other map position, weight 1 each
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t c = 0; c < 3; ++c)
      if (r != 1 || c != 0) others += window(r, c);
  CHECK(*s.bg_ssim == Approx(others / 5).epsilon(1e-10));

  weights.zero_();
  weights[0][0][0][0] = 1.0;  // in focus only outside the map: a PSNR, no SSIM
  const auto edge = focus_scores(pred, target, weights).at(0);
  CHECK(edge.fg_psnr);
  CHECK_FALSE(edge.fg_ssim);
}

TEST_CASE("every pixel in focus gives the global figures and no background, none in focus the reverse",
          "[focus_metrics]") {
  torch::manual_seed(5);
  const auto target = torch::rand({2, 3, 16, 20}, torch::kFloat64);
  const auto pred = (target + 0.1 * torch::randn({2, 3, 16, 20}, torch::kFloat64)).clamp(0, 1);
  const auto psnrs = psnr(pred, target), ssims = ssim(pred, target);
  const auto all = focus_scores(pred, target, torch::ones({2, 1, 16, 20}, torch::kFloat64));
  const auto none = focus_scores(pred, target, torch::zeros({2, 1, 16, 20}, torch::kFloat64));
  REQUIRE(all.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const auto n = static_cast<int64_t>(i);
    CHECK(*all[i].fg_psnr == Approx(psnrs[n].item<double>()).epsilon(1e-12));
    CHECK(*all[i].fg_ssim == Approx(ssims[n].item<double>()).epsilon(1e-12));
    CHECK_FALSE(all[i].bg_psnr);
    CHECK_FALSE(all[i].bg_ssim);
    CHECK_FALSE(all[i].bg_blur);
    CHECK(*none[i].bg_psnr == Approx(psnrs[n].item<double>()).epsilon(1e-12));
    CHECK(*none[i].bg_ssim == Approx(ssims[n].item<double>()).epsilon(1e-12));
    CHECK_FALSE(none[i].fg_psnr);
    CHECK_FALSE(none[i].fg_ssim);
  }
  CHECK(std::isinf(*focus_scores(target, target, torch::ones({2, 1, 16, 20}, torch::kFloat64))[0].fg_psnr));
}

TEST_CASE("focus scores refuse mismatched shapes and weights outside 0..1, and the mean skips missing values",
          "[focus_metrics]") {
  const auto images = torch::rand({2, 3, 8, 8});
  CHECK_THROWS_AS(focus_scores(images, images, torch::ones({2, 1, 8, 7})), std::invalid_argument);
  CHECK_THROWS_AS(focus_scores(images, images, torch::ones({2, 3, 8, 8})), std::invalid_argument);
  CHECK_THROWS_AS(focus_scores(images, images.narrow(0, 0, 1), torch::ones({2, 1, 8, 8})), std::invalid_argument);
  CHECK_THROWS_AS(focus_scores(images, images, torch::full({2, 1, 8, 8}, 1.5)), std::invalid_argument);
  CHECK_THROWS_AS(focus_scores(images, images, torch::full({2, 1, 8, 8}, -0.1)), std::invalid_argument);

  FocusScores a, b;
  a.fg_psnr = 20, b.fg_psnr = 30, a.bg_psnr = 12, a.bg_blur = 0.5, b.bg_blur = 1.5;
  const auto mean = mean_focus_scores({a, b});
  CHECK(*mean.fg_psnr == Approx(25));
  CHECK(*mean.bg_psnr == Approx(12));  // b has none
  CHECK(*mean.bg_blur == Approx(1));
  CHECK_FALSE(mean.fg_ssim);
}

TEST_CASE("a blurred subject and an error of the same MSE in the background: equal PSNR, fg_psnr tells them apart",
          "[focus_metrics]") {
  // 96x96: a sharp textured subject in a central disc (radius 24, its edge falling from 1 to 0 over 3 px) in
  // front of a background blurred by a Gaussian of sigma 4.
  const int64_t size = 96;
  torch::manual_seed(7);
  const auto subject = torch::rand({1, 3, size, size}, torch::kFloat64);
  const auto background = blurred_by(torch::rand({1, 3, size, size}, torch::kFloat64), 4.0);
  const auto coords = torch::arange(size, torch::kFloat64) - (size - 1) / 2.0;
  const auto radius = torch::sqrt(coords.view({size, 1}).pow(2) + coords.view({1, size}).pow(2));
  const auto mask = ((24.0 - radius) / 3.0 + 0.5).clamp(0, 1).view({1, 1, size, size});
  const auto target = mask * subject + (1 - mask) * background;

  // A: the subject blurred by sigma 2 inside the mask. B: noise in the background, scaled to A's global MSE.
  const auto a = mask * blurred_by(target, 2.0) + (1 - mask) * target;
  const auto noise = (1 - mask) * (torch::randint(0, 2, {1, 3, size, size}, torch::kFloat64) * 2 - 1);
  const double scale = std::sqrt((a - target).pow(2).sum().item<double>() / noise.pow(2).sum().item<double>());
  const auto b = target + scale * noise;

  const double psnr_a = psnr(a, target).item<double>(), psnr_b = psnr(b, target).item<double>();
  const auto fa = focus_scores(a, target, mask).at(0), fb = focus_scores(b, target, mask).at(0);
  std::cout << fmt::format("A (subject blurred): PSNR {:.2f} fg_psnr {:.2f} bg_psnr {:.2f} fg_ssim {:.3f}\n", psnr_a,
                           *fa.fg_psnr, *fa.bg_psnr, *fa.fg_ssim)
            << fmt::format("B (background error): PSNR {:.2f} fg_psnr {:.2f} bg_psnr {:.2f} fg_ssim {:.3f}\n", psnr_b,
                           *fb.fg_psnr, *fb.bg_psnr, *fb.fg_ssim);
  CHECK(std::abs(psnr_a - psnr_b) < 0.1);
  CHECK(*fa.fg_psnr <= *fb.fg_psnr - 5.0);
  CHECK(*fa.fg_ssim < *fb.fg_ssim);
  CHECK(*fa.bg_psnr > *fb.bg_psnr);
}

TEST_CASE("bg_blur is lowest for the output blurred as much as the target (sigma 3 of 1, 3, 5)", "[focus_metrics]") {
  // Two independent textures: the target's background and the output's share only how blurred they are.
  const int64_t size = 96;
  torch::manual_seed(11);
  const auto target_texture = torch::rand({1, 3, size, size}, torch::kFloat64);
  const auto output_texture = torch::rand({1, 3, size, size}, torch::kFloat64);
  const auto background = torch::zeros({1, 1, size, size}, torch::kFloat64);  // no pixel in focus
  const auto eight_bit = [](const torch::Tensor& x) { return torch::round(x * 255) / 255; };
  for (const bool quantised : {false, true}) {
    auto target = blurred_by(target_texture, 3.0);
    if (quantised) target = eight_bit(target);
    std::cout << (quantised ? "8-bit levels\n" : "float64\n") << "| output sigma | bg_blur (dB) | bg_psnr (dB) |\n";
    double blur[3];
    const double sigmas[3] = {1.0, 3.0, 5.0};
    for (int i = 0; i < 3; ++i) {
      auto output = blurred_by(output_texture, sigmas[i]);
      if (quantised) output = eight_bit(output);
      const auto s = focus_scores(output, target, background).at(0);
      blur[i] = *s.bg_blur;
      std::cout << fmt::format("| {} | {:.3f} | {:.2f} |\n", sigmas[i], blur[i], *s.bg_psnr);
    }
    CHECK(blur[1] < blur[0]);
    CHECK(blur[1] < blur[2]);
    CHECK(blur[1] < 1.0);  // about as much detail as the target: within 1 dB
    CHECK(blur[0] > 3.0);
    CHECK(blur[2] > 3.0);
  }
}

TEST_CASE("the trainer's metric sums average each focus figure over the images that have it, batch by batch",
          "[focus-metrics]") {
  torch::manual_seed(5);
  const auto target = torch::rand({3, 3, 16, 20});
  const auto pred = (target + 0.1 * torch::randn({3, 3, 16, 20})).clamp(0, 1);
  // Image 0 all in focus (no background), image 1 half and half, image 2 all background (no subject).
  auto weights = torch::zeros({3, 1, 16, 20});
  weights[0].fill_(1.0);
  weights.index_put_({1, Slice(), Slice(), Slice(0, 10)}, 1.0);
  const FocusScores expected = mean_focus_scores(focus_scores(pred, target, weights));

  MetricSums whole(torch::kCPU), first(torch::kCPU), second(torch::kCPU);
  whole.add(pred.narrow(0, 0, 2), target.narrow(0, 0, 2), weights.narrow(0, 0, 2), Lpips{nullptr});
  whole.add(pred.narrow(0, 2, 1), target.narrow(0, 2, 1), weights.narrow(0, 2, 1), Lpips{nullptr});
  const bokeh::common::ImageMetrics means = whole.means(3, false);
  for (const auto& [name, figure] : bokeh::common::kFocusFigures) {
    INFO(name);
    REQUIRE((means.focus.*figure).has_value());
    CHECK(*(means.focus.*figure) == Approx(*(expected.*figure)).epsilon(1e-12));
  }
  // fg over images 0 and 1 only, bg over 1 and 2 only.
  const auto one = [&](int64_t i) {
    return focus_scores(pred.narrow(0, i, 1), target.narrow(0, i, 1), weights.narrow(0, i, 1)).at(0);
  };
  CHECK(*means.focus.fg_psnr == Approx((*one(0).fg_psnr + *one(1).fg_psnr) / 2).epsilon(1e-12));
  CHECK(*means.focus.bg_psnr == Approx((*one(1).bg_psnr + *one(2).bg_psnr) / 2).epsilon(1e-12));
  CHECK(means.psnr == Approx(psnr(pred, target).mean().item<double>()).epsilon(1e-6));
  CHECK_FALSE(means.lpips.has_value());

  // Sums add up (what a training group does over its members); without weights no focus figure.
  first.add(pred.narrow(0, 0, 1), target.narrow(0, 0, 1), weights.narrow(0, 0, 1), Lpips{nullptr});
  second.add(pred.narrow(0, 1, 2), target.narrow(0, 1, 2), weights.narrow(0, 1, 2), Lpips{nullptr});
  first.sums = first.sums + second.sums;
  CHECK(*first.means(3, false).focus.bg_blur == Approx(*means.focus.bg_blur).epsilon(1e-12));
  MetricSums unmasked(torch::kCPU);
  unmasked.add(pred, target, torch::Tensor(), Lpips{nullptr});
  CHECK_FALSE(unmasked.means(3, false).focus.fg_psnr.has_value());
  CHECK(unmasked.means(3, false).l1 == Approx(means.l1).epsilon(1e-6));  // fp32 sums of other batches
}
