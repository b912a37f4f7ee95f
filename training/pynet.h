// PyNET-Bokeh (Ignatov, Patel & Timofte 2020; aiff22/PyNET-Bokeh model.py) as a BokehNet: the photo
// downscaled x0.5 (bicubic) and space_to_depth(2) inside the model, four encoder levels of multi-kernel
// blocks and max-pools, level 5 at 16x the width, levels 4..1 with skips and two transposed-conv
// upsamples each, then levels 0 and "up" back to the input's size. Seven outputs, coarsest (1/64 of the
// input's side) to full size, each tanh * 0.58 + 0.5; forward() is the full-size one. Its layer list and
// counts without libtorch: common/pynet_facts.h.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "common/run_config.h"
#include "training/bokeh_net.h"

namespace bokeh::training {

// For each k in 3, 5, .. max_kernel two stacked k x k convs (same padding, bias, [instance norm],
// LeakyReLU 0.2), the branches concatenated: (B, in, H, W) -> (B, maps * branches, H, W).
class MultiKernelBlockImpl : public torch::nn::Module {
 public:
  MultiKernelBlockImpl(int64_t in_channels, int64_t max_kernel, int64_t maps, bool instance_norm);
  torch::Tensor forward(const torch::Tensor& x);
  int64_t out_channels() const { return out_channels_; }

 private:
  torch::nn::ModuleList branches_;
  int64_t out_channels_ = 0;
};
TORCH_MODULE(MultiKernelBlock);

// One part of model.py: its multi-kernel blocks in wiring order, its transposed convs (3x3, stride 2,
// no bias, then LeakyReLU 0.2) and its output heads (a 3x3 conv to RGB).
class PyNetPartImpl : public torch::nn::Module {
 public:
  PyNetPartImpl() = default;
  int64_t add_block(int64_t in_channels, int64_t max_kernel, int64_t maps, bool instance_norm);  // its maps
  void add_up(int64_t in_channels, int64_t out_channels);
  void add_head(int64_t in_channels);
  torch::Tensor block(size_t i, const torch::Tensor& x);
  torch::Tensor up(size_t i, const torch::Tensor& x);    // (B, C, h, w) -> (B, out, 2h, 2w)
  torch::Tensor head(size_t i, const torch::Tensor& x);  // the conv before tanh

 private:
  torch::nn::ModuleList blocks_ = register_module("blocks", torch::nn::ModuleList());
  torch::nn::ModuleList ups_ = register_module("ups", torch::nn::ModuleList());
  torch::nn::ModuleList heads_ = register_module("heads", torch::nn::ModuleList());
};
TORCH_MODULE(PyNetPart);

class PyNetImpl : public BokehNetImpl {
 public:
  // config.width: maps of the finest processing level (32 in the reference); config.input_channels: 3 for
  // RGB, 4 with a depth map.
  explicit PyNetImpl(const common::ModelConfig& config);
  // x: (B, C, H, W) in [0, 1], H and W multiples of 64 -> the full-size output (B, 3, H, W) in (-0.08, 1.08).
  torch::Tensor forward(torch::Tensor x) override;
  // All seven outputs, model.py's levels 5, 4, 3, 2, 1, 0 and up: sides H/64 .. H.
  std::vector<torch::Tensor> levels(const torch::Tensor& x);
  const common::ModelConfig& config() const override { return config_; }

 private:
  // The full-size output; the six coarser ones too when `coarser` is given.
  torch::Tensor run(const torch::Tensor& x, std::vector<torch::Tensor>* coarser);

  common::ModelConfig config_;
  std::vector<PyNetPart> encoder_;  // "encoder1".."encoder4"
  std::vector<PyNetPart> decoder_;  // "level5".."level1", then "level0" (levels 0 and up)
};
TORCH_MODULE(PyNet);

}  // namespace bokeh::training
