// The U-Net's size from its shape alone, without building it (no libtorch): trainable parameters
// and forward FLOPs of Algorithm 1's U-Net (training/unet.h). The spec's cost model and dry-run use
// these; tests check them against the built model.
#pragma once

#include <cstdint>

#include "common/run_config.h"

namespace bokeh::common {

// Trainable parameters: per conv in*out*k*k (+ out biases without BatchNorm), 2*out per BatchNorm,
// the transposed convs and the 1x1 head with their biases. Equals parameter_count() of a built UNet.
int64_t unet_parameters(const ModelConfig& config);

// Forward-pass floating-point operations (2 per multiply-add of every conv and transposed conv,
// plus bias adds) for one image of height x width. Pooling, BatchNorm and activations are
// elementwise and left out (under 1% for the study's shapes).
double forward_flops(const ModelConfig& config, int64_t height, int64_t width);

}  // namespace bokeh::common
