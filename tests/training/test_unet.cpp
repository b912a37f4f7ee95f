// U-Net shapes and parameter counts; expected counts come from a closed form per layer, not the model.
#include <catch2/catch.hpp>

#include "common/model_arch.h"
#include "training/convolution_flops.h"
#include "training/model_tensors.h"
#include "training/models.h"
#include "training/unet.h"

using bokeh::common::ModelConfig;
using bokeh::training::UNet;

namespace {
// Closed-form parameter count of Algorithm 1's U-Net, layer by layer.
int64_t expected_parameters(int64_t width, int64_t depth, bool bn) {
  auto conv = [](int64_t in, int64_t out, int64_t k, bool bias) { return in * out * k * k + (bias ? out : 0); };
  auto block = [&](int64_t in, int64_t out) {
    return conv(in, out, 3, !bn) + conv(out, out, 3, !bn) + (bn ? 4 * out : 0);  // BN: weight + bias, twice
  };
  int64_t total = 0, in = 3;
  for (int64_t l = 0; l < depth; ++l) total += block(in, width << l), in = width << l;
  for (int64_t l = depth - 2; l >= 0; --l) {
    const int64_t out = width << l;
    total += conv(in, out, 2, true) + block(2 * out, out);
    in = out;
  }
  return total + conv(in, 3, 1, true);
}

// The U-Net's facts (common/model_arch.h), as the dry run and the cost model ask them.
int64_t unet_parameters(const ModelConfig& config) { return bokeh::common::model_facts("unet").parameters(config); }
double unet_flops(const ModelConfig& config, int64_t height, int64_t width) {
  return bokeh::common::model_facts("unet").forward_flops(config, height, width);
}
}  // namespace

TEST_CASE("U-Net parameter counts equal the study's Table 1", "[unet]") {
  struct Row {
    int64_t width, depth;
    double millions;
  };
  for (const Row& row : {Row{32, 3, 0.47}, Row{64, 3, 1.86}, Row{64, 4, 7.70}}) {
    UNet net(ModelConfig{row.width, row.depth, true});
    const int64_t count = bokeh::training::parameter_count(*net);
    CHECK(count == expected_parameters(row.width, row.depth, true));
    CHECK(unet_parameters(ModelConfig{row.width, row.depth, true}) == count);
    CHECK(std::round(count / 1e4) / 100.0 == Approx(row.millions));
  }
}

TEST_CASE("U-Net parameter counts match the closed form for other shapes", "[unet]") {
  for (int64_t width : {4, 8, 16}) {
    for (int64_t depth : {1, 2, 5}) {
      for (bool bn : {false, true}) {
        UNet net(ModelConfig{width, depth, bn});
        CHECK(bokeh::training::parameter_count(*net) == expected_parameters(width, depth, bn));
        CHECK(unet_parameters(ModelConfig{width, depth, bn}) == bokeh::training::parameter_count(*net));
      }
    }
  }
}

TEST_CASE("U-Net keeps the input size, including odd sizes, with outputs in (0, 1)", "[unet]") {
  torch::manual_seed(0);
  for (auto [h, w] : {std::pair<int64_t, int64_t>{32, 32}, {33, 45}, {17, 20}, {9, 7}}) {
    for (bool bn : {false, true}) {
      UNet net(ModelConfig{4, 3, bn});
      auto y = net->forward(torch::rand({2, 3, h, w}));
      CHECK(y.sizes() == torch::IntArrayRef({2, 3, h, w}));
      CHECK(y.min().item<float>() > 0.0f);
      CHECK(y.max().item<float>() < 1.0f);
    }
  }
}

TEST_CASE("forward FLOPs: closed form for a depth-1 net, scaling with pixels", "[unet]") {
  // depth 1, no BN: conv 3->w 3x3, conv w->w 3x3, conv w->3 1x1, all with bias, at H x W.
  const int64_t w = 8, H = 10, W = 6;
  const double per_pixel = (2.0 * 3 * 9 + 1) * w + (2.0 * w * 9 + 1) * w + (2.0 * w + 1) * 3;
  CHECK(unet_flops(ModelConfig{w, 1, false}, H, W) == Approx(per_pixel * H * W));
  const ModelConfig big{64, 4, true};
  CHECK(unet_flops(big, 256, 256) == Approx(4 * unet_flops(big, 128, 128)).epsilon(0.01));
}

TEST_CASE("make_model builds the run's arch: the U-Net of constructing it directly, draw for draw", "[unet]") {
  const ModelConfig config{4, 2, true};
  torch::manual_seed(5);
  const UNet direct(config);
  const float next_direct = torch::rand({1}).item<float>();
  torch::manual_seed(5);
  const bokeh::training::BokehNet made = bokeh::training::make_model(config);
  CHECK(torch::rand({1}).item<float>() == next_direct);  // the same random numbers drawn
  CHECK(bokeh::test::same_tensors(direct, made));
  CHECK(made->config().arch == "unet");
  CHECK(made->config().width == 4);
  ModelConfig unknown = config;
  unknown.arch = "resnet";
  CHECK_THROWS_AS(bokeh::training::make_model(unknown), std::invalid_argument);
}

TEST_CASE("attention gates: parameters and FLOPs by hand, the facts equal the built module, outputs in (0, 1)",
          "[unet]") {
  // Width 4, depth 2: one gate on the 4-map skip, 2 intermediate maps. Without batch norm the 1x1 convs
  // carry biases: W_g 4*2 + 2, W_x 4*2 + 2, psi 2*1 + 1 = 23; with it no biases but BatchNorms: 8 + 4,
  // 8 + 4, 2 + 2 = 28.
  for (const auto& [bn, extra] : {std::pair<bool, int64_t>{false, 23}, {true, 28}}) {
    ModelConfig gated{4, 2, bn};
    gated.attention = true;
    UNet net(gated);
    CHECK(bokeh::training::parameter_count(*net) == expected_parameters(4, 2, bn) + extra);
    CHECK(unet_parameters(gated) == bokeh::training::parameter_count(*net));
    // The gate's convs at the skip's 10x6: 2 * (2*4 [+1]) * 2 products [and biases] + (2*2 [+1]) * 1.
    const double gate_flops = (2 * (2.0 * 4 + !bn) * 2 + (2.0 * 2 + !bn)) * 10 * 6;
    CHECK(unet_flops(gated, 10, 6) == Approx(unet_flops(ModelConfig{4, 2, bn}, 10, 6) + gate_flops));
  }
  for (int64_t width : {4, 8, 16}) {
    for (int64_t depth : {1, 3, 5}) {
      for (bool bn : {false, true}) {
        ModelConfig gated{width, depth, bn};
        gated.attention = true;
        UNet net(gated);
        CHECK(unet_parameters(gated) == bokeh::training::parameter_count(*net));
      }
    }
  }
  torch::manual_seed(0);
  ModelConfig gated{4, 3, true};
  gated.attention = true;
  UNet net(gated);
  const torch::Tensor y = net->forward(torch::rand({2, 3, 33, 45}));
  CHECK(y.sizes() == torch::IntArrayRef({2, 3, 33, 45}));
  CHECK(y.min().item<float>() > 0.0f);
  CHECK(y.max().item<float>() < 1.0f);
  // Without attention the module is the U-Net it was: no gates among its parameters.
  for (const auto& p : UNet(ModelConfig{4, 3, true})->named_parameters())
    CHECK(p.key().find("gates") == std::string::npos);
}

TEST_CASE("U-Net FLOPs from the facts are within 1% of the convolutions its forward runs, with attention gates too",
          "[unet]") {
  torch::manual_seed(0);
  torch::NoGradGuard no_grad;
  for (const bool attention : {false, true}) {
    for (const ModelConfig& shape : {ModelConfig{8, 3, true}, ModelConfig{16, 4, false}}) {
      ModelConfig config = shape;
      config.attention = attention;
      UNet net(config);
      net->eval();
      bokeh::test::ConvolutionFlops counter;
      net->forward(torch::rand({1, 3, 64, 96}));
      INFO("width " << config.width << ", depth " << config.depth << ", attention " << attention);
      // Per level two convs, per decoder level a transposed conv (and a gate's three 1x1 convs), the head.
      CHECK(counter.convolutions() == 2 * config.depth + (config.depth - 1) * (attention ? 6 : 3) + 1);
      CHECK(unet_flops(config, 64, 96) == Approx(counter.flops()).epsilon(0.01));
    }
  }
}

TEST_CASE("A depth model's U-Net reads 4 channels: its first conv gains one input channel's 3x3 kernels", "[unet]") {
  for (int64_t width : {4, 16}) {
    for (bool bn : {false, true}) {
      const ModelConfig rgb{width, 3, bn};
      const ModelConfig with_depth{width, 3, bn, "unet", 4};
      UNet net(with_depth);
      INFO("width " << width << ", batch norm " << bn);
      CHECK(bokeh::training::parameter_count(*net) == expected_parameters(width, 3, bn) + width * 9);
      CHECK(unet_parameters(with_depth) == unet_parameters(rgb) + width * 9);
      // 2 * 9 more FLOPs for each of the first conv's outputs (width maps at full size).
      CHECK(unet_flops(with_depth, 8, 12) - unet_flops(rgb, 8, 12) == Approx(2.0 * 9 * width * 8 * 12));
      torch::NoGradGuard no_grad;
      CHECK(net->forward(torch::rand({2, 4, 8, 12})).sizes() == torch::IntArrayRef({2, 3, 8, 12}));
    }
  }
  CHECK_THROWS_WITH(UNet(ModelConfig{4, 2, true, "unet", 0}),
                    "U-Net needs width >= 1, depth >= 1 and input channels >= 1, got width 4, depth 2, 0 channels");
}
