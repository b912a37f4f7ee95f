// The interface every model architecture's module implements (training/models.h builds one from the run's
// model settings): a torch module mapping a (B, C, H, W) photo in [0, 1] (C = input_channels: RGB, + depth) to its (B,
// 3, H, W) bokeh rendering in (0, 1), that knows the settings it was built from. BokehNet is its handle; a handle of
// any architecture's own module (e.g. UNet) converts to it. And the parameter count of any built module.
#pragma once

#include <concepts>
#include <memory>

#include <torch/torch.h>

#include "common/run_config.h"

namespace bokeh::training {

class BokehNetImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  virtual const common::ModelConfig& config() const = 0;  // the model settings it was built from
};

class BokehNet : public torch::nn::ModuleHolder<BokehNetImpl> {
 public:
  BokehNet(std::nullptr_t) : ModuleHolder(nullptr) {}
  BokehNet(std::shared_ptr<BokehNetImpl> net) : ModuleHolder(std::move(net)) {}
  template <std::derived_from<BokehNetImpl> Net>
  BokehNet(const torch::nn::ModuleHolder<Net>& net) : ModuleHolder(std::shared_ptr<BokehNetImpl>(net.ptr())) {}
};

// Number of trainable parameters of a built module.
int64_t parameter_count(torch::nn::Module& module);

}  // namespace bokeh::training
