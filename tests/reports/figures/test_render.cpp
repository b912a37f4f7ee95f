// render: the receptive radius bounds how far a pixel reaches; padding keeps any size; tiles give
// the untiled result (a PyNET, whose instance norms see the whole image, runs whole); the output is the
// model's, compared with running it directly.
#include <catch2/catch.hpp>

#include "common/model_arch.h"
#include "reports/figures/render.h"
#include "support/seeded_unet.h"
#include "training/pynet.h"

using namespace bokeh;
using bokeh::test::seeded_unet;

namespace {

// Reflect-pads bottom and right by index arithmetic (a second implementation of the padding).
torch::Tensor reflect_pad(const torch::Tensor& x, int64_t pad_h, int64_t pad_w) {
  const auto indices = [](int64_t n, int64_t pad) {
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < n + pad; ++i) idx.push_back(i < n ? i : 2 * (n - 1) - i);
    return torch::tensor(idx, torch::kLong);
  };
  return x.index_select(2, indices(x.size(2), pad_h)).index_select(3, indices(x.size(3), pad_w));
}

}  // namespace

TEST_CASE("No output pixel depends on input pixels beyond the receptive radius", "[render]") {
  const auto receptive_radius = [](int64_t depth) {
    return common::model_facts("unet").receptive_radius(common::ModelConfig{4, depth, true});
  };
  CHECK(receptive_radius(1) == 2);  // two 3x3 convs
  for (int64_t depth : {1, 2, 3}) {
    training::UNet net = seeded_unet({4, depth, true}, 11);
    torch::NoGradGuard no_grad;
    torch::manual_seed(1);
    const torch::Tensor x = torch::rand({1, 3, 64, 64});
    torch::Tensor bumped = x.clone();
    bumped[0][0][32][32] += 0.5;
    const torch::Tensor changed = (net->forward(bumped) - net->forward(x)).abs().sum(1)[0] > 1e-6;  // (64, 64)
    const torch::Tensor where = changed.nonzero();
    REQUIRE(where.size(0) > 0);
    const int64_t reach = (where - 32).abs().max().item<int64_t>();
    INFO("depth " << depth << " reach " << reach);
    CHECK(reach <= receptive_radius(depth));
  }
}

TEST_CASE("Rendering a size on the pooling grid is the model's forward pass", "[render]") {
  training::UNet net = seeded_unet({4, 3, true}, 2);
  torch::manual_seed(3);
  const torch::Tensor x = torch::rand({1, 3, 24, 32});
  torch::NoGradGuard no_grad;
  CHECK(torch::equal(reports::render_tensor(net, x, 0), net->forward(x)));
}

TEST_CASE("Other sizes are reflect-padded, run, and cropped back", "[render]") {
  training::UNet net = seeded_unet({4, 3, true}, 4);
  torch::manual_seed(5);
  const torch::Tensor x = torch::rand({1, 3, 21, 30});  // pooling factor 4: pad to 24 x 32
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = net->forward(reflect_pad(x, 3, 2)).slice(2, 0, 21).slice(3, 0, 30);
  const torch::Tensor out = reports::render_tensor(net, x, 0);
  CHECK(out.sizes() == x.sizes());
  CHECK(torch::allclose(out, expected, 0, 1e-6));
}

TEST_CASE("Tiled rendering equals the whole-image result", "[render]") {
  for (int64_t depth : {2, 3}) {
    training::UNet net = seeded_unet({4, depth, true}, 6);
    torch::manual_seed(7);
    const torch::Tensor x = torch::rand({1, 3, 70, 53});
    const torch::Tensor whole = reports::render_tensor(net, x, 0);
    for (int64_t tile : {8, 17, 32}) {
      const torch::Tensor tiled = reports::render_tensor(net, x, tile);
      INFO("depth " << depth << ", tile " << tile);
      CHECK(tiled.sizes() == x.sizes());
      CHECK(torch::allclose(tiled, whole, 0, 1e-5));
    }
  }
}

TEST_CASE("An 8-bit image keeps its size and becomes the model's output", "[render]") {
  training::UNet net = seeded_unet({4, 2, false}, 8);
  training::Image in;
  in.width = 37;
  in.height = 29;
  for (int64_t i = 0; i < in.width * in.height * 3; ++i) in.rgb.push_back(static_cast<uint8_t>((i * 37) % 256));
  const training::Image out = reports::render_image(net, in, 16);
  CHECK(out.width == 37);
  CHECK(out.height == 29);
  const training::Image direct =
      training::tensor_to_image(reports::render_tensor(net, training::image_to_tensor(in).unsqueeze(0), 0)[0]);
  int max_diff = 0;
  for (size_t i = 0; i < out.rgb.size(); ++i) max_diff = std::max(max_diff, std::abs(out.rgb[i] - direct.rgb[i]));
  CHECK(max_diff <= 1);
  // A 3 x 2 image is smaller than its padding to 4 x 4: replicated instead of reflected, still its own size.
  training::UNet deeper = seeded_unet({4, 3, true}, 9);
  training::Image tiny{3, 2, std::vector<uint8_t>(18, 100)};
  const training::Image tiny_out = reports::render_image(deeper, tiny, 0);
  CHECK(tiny_out.width == 3);
  CHECK(tiny_out.height == 2);
}

TEST_CASE("A PyNET, whose outputs see the whole image, renders whole: tiles and padding as without them", "[render]") {
  torch::manual_seed(10);
  training::PyNet net(common::ModelConfig{4, 3, true, "pynet"});
  net->eval();
  torch::manual_seed(11);
  const torch::Tensor x = torch::rand({1, 3, 100, 70});  // pooling factor 64: run at 128 x 128
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = net->forward(reflect_pad(x, 28, 58)).slice(2, 0, 100).slice(3, 0, 70);
  CHECK(torch::equal(reports::render_tensor(net, x, 0), expected));
  CHECK(torch::equal(reports::render_tensor(net, x, 64), expected));
}
