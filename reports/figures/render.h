// Applying a trained model to an image of any size: reflect-pad to a multiple of its pooling factor (the
// U-Net's 2^(depth-1), PyNET's 64; common/model_arch.h), run the model whole or in tiles, crop back to the
// input's size. Tiles overlap by a margin no smaller than the network's receptive radius and start on the
// pooling grid, so a tiled result equals the untiled one (up to floating-point rounding) while memory stays
// bounded; a model whose outputs see the whole image (PyNET's instance norms) runs whole.
#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "training/data/image_io.h"
#include "training/data/image_tensor.h"
#include "training/bokeh_net.h"

namespace bokeh::reports {

// x: (1, 3, H, W) float in [0, 1] -> (1, 3, H, W). `tile` <= 0: the whole image at once; else
// square tiles of `tile` pixels (rounded up to the pooling factor) with an overlap margin.
torch::Tensor render_tensor(training::BokehNet model, const torch::Tensor& x, int64_t tile);

// The same for an 8-bit image; the result has the input's width and height.
training::Image render_image(training::BokehNet model, const training::Image& input, int64_t tile);

}  // namespace bokeh::reports
