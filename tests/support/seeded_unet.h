// A U-Net with its weights fixed by a seed, in eval mode: the figures' and render's tests draw with it.
#pragma once

#include <cstdint>

#include "worker/unet.h"

namespace bokeh::test {

inline worker::UNet seeded_unet(const common::ModelConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  worker::UNet net(config);
  net->eval();
  return net;
}

}  // namespace bokeh::test
