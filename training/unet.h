// The study's "Vanilla U-Net" (Algorithm 1): `depth` encoder blocks, 2x2 max-pools between them,
// per decoder level a 2x2 stride-2 transposed conv, pad-to-match, concat(up, skip) and the same
// two-conv block, then a 1x1 conv and a sigmoid. Channels double per level from `width`. With
// model.attention, each skip passes an additive attention gate first (Oktay et al. 2018, "Attention
// U-Net"), gated by the upsampled coarser level.
#pragma once

#include <torch/torch.h>

#include "common/run_config.h"
#include "training/bokeh_net.h"

namespace bokeh::training {

// Two (3x3 conv, [BatchNorm], ReLU). With BatchNorm the convs carry no bias (BatchNorm's shift
// makes it redundant), as in the init_features U-Net the study builds on; this is what makes the
// parameter counts equal Table 1's 0.47M / 1.86M / 7.70M.
class ConvBlockImpl : public torch::nn::Module {
 public:
  ConvBlockImpl(int64_t in_channels, int64_t out_channels, bool batch_norm);
  torch::Tensor forward(torch::Tensor x);  // x: (B, in, H, W) -> (B, out, H, W)

 private:
  torch::nn::Sequential layers_;
};
TORCH_MODULE(ConvBlock);

// An additive attention gate (Oktay et al. 2018) on a skip x of C maps, gated by g, the coarser level
// upsampled to x's size (C maps too): a = ReLU(W_g g + W_x x), α = sigmoid(ψ a), out = α · x. W_g, W_x:
// 1x1 convs C -> C/2 (at least 1), ψ: 1x1 conv C/2 -> 1, each followed by a BatchNorm when the U-Net has
// them (and biased when it has not), as its blocks.
class AttentionGateImpl : public torch::nn::Module {
 public:
  AttentionGateImpl(int64_t channels, bool batch_norm);
  torch::Tensor forward(const torch::Tensor& gate, const torch::Tensor& skip);

 private:
  torch::nn::Sequential gate_, skip_, psi_;
};
TORCH_MODULE(AttentionGate);

class UNetImpl : public BokehNetImpl {
 public:
  explicit UNetImpl(const common::ModelConfig& config);
  // x: (B, C, H, W) in [0, 1], C = config.input_channels -> (B, 3, H, W) in (0, 1)
  torch::Tensor forward(torch::Tensor x) override;
  const common::ModelConfig& config() const override { return config_; }

 private:
  common::ModelConfig config_;
  torch::nn::ModuleList encoders_;  // depth blocks
  torch::nn::ModuleList upconvs_;   // depth - 1 transposed convs, deepest first
  torch::nn::ModuleList decoders_;  // depth - 1 blocks, deepest first
  torch::nn::ModuleList gates_;     // with attention: depth - 1 gates, deepest first (else empty, unregistered)
  torch::nn::Conv2d head_{nullptr};
};
TORCH_MODULE(UNet);

}  // namespace bokeh::training
