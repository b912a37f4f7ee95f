// Padding and overlapping-tile inference for `render` (render_photo) and the sample figures.
#include "reports/figures/render.h"

#include <algorithm>

#include "common/model_arch.h"
#include "reports/figures/render_photo.h"
#include "training/checkpoint.h"

namespace bokeh::reports {
namespace {

namespace F = torch::nn::functional;

int64_t round_up(int64_t value, int64_t multiple) { return (value + multiple - 1) / multiple * multiple; }

// Pads the bottom and right edges to a multiple of `factor`: reflected where the image is large
// enough to reflect, replicated otherwise. x: (1, 3, H, W) -> (1, 3, H', W').
torch::Tensor pad_to_multiple(const torch::Tensor& x, int64_t factor) {
  const int64_t h = x.size(2), w = x.size(3);
  const int64_t pad_h = round_up(h, factor) - h, pad_w = round_up(w, factor) - w;
  if (pad_h == 0 && pad_w == 0) return x;
  F::PadFuncOptions options({0, pad_w, 0, pad_h});
  if (pad_h < h && pad_w < w)
    options.mode(torch::kReflect);
  else
    options.mode(torch::kReplicate);
  return F::pad(x, options);
}

}  // namespace

torch::Tensor render_tensor(training::BokehNet model, const torch::Tensor& x, int64_t tile) {
  torch::NoGradGuard no_grad;
  const common::ModelFacts& facts = common::model_facts(model->config());
  const int64_t factor = facts.pooling_factor(model->config());
  const int64_t h = x.size(2), w = x.size(3);
  const torch::Tensor padded = pad_to_multiple(x, factor);  // (1, 3, H', W')
  const int64_t ph = padded.size(2), pw = padded.size(3);
  const int64_t margin = round_up(facts.receptive_radius(model->config()), factor);
  // One pass when tiles are off, the image fits one, or every tile's window would be the whole image
  // (a model whose outputs see every pixel, e.g. PyNET's instance norms).
  if (tile <= 0 || (ph <= tile && pw <= tile) || margin >= std::max(ph, pw)) {
    return model->forward(padded).slice(2, 0, h).slice(3, 0, w);
  }
  const int64_t core = round_up(tile, factor);
  torch::Tensor out = torch::empty_like(padded);
  for (int64_t y0 = 0; y0 < ph; y0 += core) {
    for (int64_t x0 = 0; x0 < pw; x0 += core) {
      const int64_t y1 = std::min(ph, y0 + core), x1 = std::min(pw, x0 + core);
      // The window: the tile plus the margin, clipped to the image; its corners stay on the pooling grid.
      const int64_t wy0 = std::max<int64_t>(0, y0 - margin), wx0 = std::max<int64_t>(0, x0 - margin);
      const int64_t wy1 = std::min(ph, y1 + margin), wx1 = std::min(pw, x1 + margin);
      const torch::Tensor result = model->forward(padded.slice(2, wy0, wy1).slice(3, wx0, wx1));
      out.slice(2, y0, y1).slice(3, x0, x1).copy_(result.slice(2, y0 - wy0, y1 - wy0).slice(3, x0 - wx0, x1 - wx0));
    }
  }
  return out.slice(2, 0, h).slice(3, 0, w);
}

training::Image render_image(training::BokehNet model, const training::Image& input, int64_t tile) {
  const torch::Tensor x = training::image_to_tensor(input).unsqueeze(0);  // (1, 3, H, W)
  return training::tensor_to_image(render_tensor(model, x, tile).squeeze(0));
}

PhotoSize render_photo(const std::filesystem::path& checkpoint_dir, const common::ModelConfig& model,
                       const std::filesystem::path& input, const std::filesystem::path& output, int64_t tile) {
  const training::BokehNet net = training::load_best_model(checkpoint_dir, model);
  const training::Image photo = training::read_image(input);
  training::write_image(output, render_image(net, photo, tile));
  return PhotoSize{photo.width, photo.height};
}

}  // namespace bokeh::reports
