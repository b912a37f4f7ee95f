// A U-Net with its weights fixed by a seed, in eval mode: the figures' and render's tests draw with it.
#pragma once

#include <cstdint>

#include "training/unet.h"

namespace bokeh::test {

inline training::UNet seeded_unet(const common::ModelConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  training::UNet net(config);
  net->eval();
  return net;
}

}  // namespace bokeh::test
