// SSIM against a plain-loop reference of the TF / scikit-image convention, closed forms and properties.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "training/ssim.h"

namespace {
// Reference SSIM of one image pair, written from the definition with loops over every valid
// 11x11 window: Gaussian weights (sigma 1.5), population moments, C1 = 0.01^2, C2 = 0.03^2.
double reference_ssim(const torch::Tensor& x_chw, const torch::Tensor& y_chw) {
  auto x = x_chw.to(torch::kFloat64).contiguous();
  auto y = y_chw.to(torch::kFloat64).contiguous();
  const int64_t C = x.size(0), H = x.size(1), W = x.size(2), k = 11;
  std::vector<double> g(k);
  double g_sum = 0;
  for (int64_t i = 0; i < k; ++i) g_sum += g[i] = std::exp(-(i - 5.0) * (i - 5.0) / (2 * 1.5 * 1.5));
  for (auto& v : g) v /= g_sum;
  const double* px = x.data_ptr<double>();
  const double* py = y.data_ptr<double>();
  const double c1 = 0.0001, c2 = 0.0009;
  double total = 0;
  int64_t count = 0;
  for (int64_t c = 0; c < C; ++c) {
    for (int64_t i = 0; i + k <= H; ++i) {
      for (int64_t j = 0; j + k <= W; ++j) {
        double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
        for (int64_t u = 0; u < k; ++u) {
          for (int64_t v = 0; v < k; ++v) {
            const double w = g[u] * g[v];
            const double a = px[(c * H + i + u) * W + j + v], b = py[(c * H + i + u) * W + j + v];
            mx += w * a, my += w * b, mxx += w * a * a, myy += w * b * b, mxy += w * a * b;
          }
        }
        const double vx = mxx - mx * mx, vy = myy - my * my, cov = mxy - mx * my;
        total += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        ++count;
      }
    }
  }
  return total / count;
}
}  // namespace

TEST_CASE("SSIM equals a plain-loop reference on small images", "[ssim]") {
  torch::manual_seed(3);
  const auto x = torch::rand({2, 3, 13, 15}, torch::kFloat64);
  // y: a noisy, darkened, partly structured version of x
  const auto y = (0.8 * x + 0.15 * torch::rand({2, 3, 13, 15}, torch::kFloat64) +
                  0.05 * torch::linspace(0, 1, 15, torch::kFloat64).view({1, 1, 1, 15}))
                     .clamp(0, 1);
  const auto values = bokeh::training::ssim(x, y);
  REQUIRE(values.sizes() == torch::IntArrayRef({2}));
  for (int64_t b = 0; b < 2; ++b) {
    const double expected = reference_ssim(x[b], y[b]);
    CHECK(values[b].item<double>() == Approx(expected).epsilon(1e-12));
    // float32 agrees to float precision
    CHECK(bokeh::training::ssim(x.to(torch::kFloat32), y.to(torch::kFloat32))[b].item<double>() ==
          Approx(expected).epsilon(1e-4));
  }
  // an 11x11 image has exactly one window; a wide one many
  const auto a = torch::rand({1, 3, 11, 11}, torch::kFloat64), b = torch::rand({1, 3, 11, 11}, torch::kFloat64);
  CHECK(bokeh::training::ssim(a, b).item<double>() == Approx(reference_ssim(a[0], b[0])).epsilon(1e-12));
  const auto p = torch::rand({1, 3, 12, 30}, torch::kFloat64), q = torch::rand({1, 3, 12, 30}, torch::kFloat64);
  CHECK(bokeh::training::ssim(p, q).item<double>() == Approx(reference_ssim(p[0], q[0])).epsilon(1e-12));
}

TEST_CASE("SSIM of constant images has the closed form (2ab + C1) / (a^2 + b^2 + C1)", "[ssim]") {
  const double a = 0.3, b = 0.6, c1 = 0.0001;
  const auto x = torch::full({1, 3, 16, 16}, a, torch::kFloat64);
  const auto y = torch::full({1, 3, 16, 16}, b, torch::kFloat64);
  CHECK(bokeh::training::ssim(x, y).item<double>() == Approx((2 * a * b + c1) / (a * a + b * b + c1)).epsilon(1e-12));
}

TEST_CASE("SSIM is 1 for identical images, symmetric and below 1 otherwise", "[ssim]") {
  torch::manual_seed(5);
  const auto x = torch::rand({3, 3, 20, 24});
  const auto y = (x + 0.1 * torch::randn({3, 3, 20, 24})).clamp(0, 1);
  const auto same = bokeh::training::ssim(x, x);
  for (int64_t b = 0; b < 3; ++b) CHECK(same[b].item<double>() == Approx(1.0).epsilon(1e-6));
  CHECK(torch::allclose(bokeh::training::ssim(x, y), bokeh::training::ssim(y, x)));
  CHECK((bokeh::training::ssim(x, y) < 0.99).all().item<bool>());
}

TEST_CASE("SSIM is differentiable: a gradient step on x raises SSIM(x, y)", "[ssim]") {
  torch::manual_seed(9);
  const auto y = torch::rand({1, 3, 16, 16});
  auto x = torch::rand({1, 3, 16, 16}).requires_grad_(true);
  auto value = bokeh::training::ssim(x, y).sum();
  value.backward();
  REQUIRE(x.grad().defined());
  CHECK(torch::isfinite(x.grad()).all().item<bool>());
  const auto stepped = (x + 0.5 * x.grad()).detach();
  CHECK(bokeh::training::ssim(stepped, y).item<double>() > value.item<double>());
}

TEST_CASE("SSIM rejects too small or mismatched inputs", "[ssim]") {
  CHECK_THROWS_WITH(bokeh::training::ssim(torch::rand({1, 3, 10, 20}), torch::rand({1, 3, 10, 20})),
                    Catch::Contains("at least 11x11"));
  CHECK_THROWS_AS(bokeh::training::ssim(torch::rand({1, 3, 12, 12}), torch::rand({1, 3, 12, 13})),
                  std::invalid_argument);
}

TEST_CASE("gaussian_kernel_1d is normalised and symmetric", "[ssim]") {
  const auto k = bokeh::training::gaussian_kernel_1d(11, 1.5, torch::kFloat64);
  CHECK(k.sum().item<double>() == Approx(1.0));
  CHECK(torch::allclose(k, k.flip(0)));
  CHECK(k[5].item<double>() / k[4].item<double>() == Approx(std::exp(1.0 / 4.5)));
}
