// Applying a trained U-Net to an image of any size: reflect-pad to a multiple of 2^(depth-1) (the
// pooling factor), run the model whole or in tiles, crop back to the input's size. Tiles overlap by
// a margin no smaller than the network's receptive radius and start on the pooling grid, so a tiled
// result equals the untiled one (up to floating-point rounding) while memory stays bounded.
#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "training/data/image_io.h"
#include "training/data/image_tensor.h"
#include "training/unet.h"

namespace bokeh::reports {

// The farthest (in input pixels) any input pixel can influence an output pixel of a U-Net of this
// depth (see render.cpp for the sum).
int64_t receptive_radius(int64_t depth);

// x: (1, 3, H, W) float in [0, 1] -> (1, 3, H, W). `tile` <= 0: the whole image at once; else
// square tiles of `tile` pixels (rounded up to the pooling factor) with an overlap margin.
torch::Tensor render_tensor(training::UNet& model, const torch::Tensor& x, int64_t tile);

// The same for an 8-bit image; the result has the input's width and height.
training::Image render_image(training::UNet& model, const training::Image& input, int64_t tile);

}  // namespace bokeh::reports
