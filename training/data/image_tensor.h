// Images as tensors: an Image <-> (3, H, W) float in [0, 1], for the models (render, samples, metrics).
#pragma once

#include <torch/torch.h>

#include "training/data/image.h"

namespace bokeh::training {

// (3, H, W) float in [0, 1] <-> Image; the tensor is clamped and rounded to the nearest level.
torch::Tensor image_to_tensor(const Image& image);
Image tensor_to_image(const torch::Tensor& chw);

}  // namespace bokeh::training
