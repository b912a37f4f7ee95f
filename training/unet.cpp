// The Vanilla U-Net (study Algorithm 1).
#include "training/unet.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bokeh::training {

namespace nn = torch::nn;

ConvBlockImpl::ConvBlockImpl(int64_t in_channels, int64_t out_channels, bool batch_norm) {
  const bool bias = !batch_norm;
  for (int64_t i = 0; i < 2; ++i) {
    const int64_t in = i == 0 ? in_channels : out_channels;
    layers_->push_back(nn::Conv2d(nn::Conv2dOptions(in, out_channels, 3).padding(1).bias(bias)));
    if (batch_norm) layers_->push_back(nn::BatchNorm2d(out_channels));
    layers_->push_back(nn::ReLU(nn::ReLUOptions().inplace(true)));
  }
  register_module("layers", layers_);
}

torch::Tensor ConvBlockImpl::forward(torch::Tensor x) { return layers_->forward(x); }

namespace {
// A 1x1 conv and, with batch norm, a BatchNorm after it (then without the conv's bias).
nn::Sequential pointwise(int64_t in, int64_t out, bool batch_norm) {
  nn::Sequential s(nn::Conv2d(nn::Conv2dOptions(in, out, 1).bias(!batch_norm)));
  if (batch_norm) s->push_back(nn::BatchNorm2d(out));
  return s;
}
}  // namespace

AttentionGateImpl::AttentionGateImpl(int64_t channels, bool batch_norm) {
  const int64_t inner = std::max<int64_t>(channels / 2, 1);
  gate_ = register_module("gate", pointwise(channels, inner, batch_norm));
  skip_ = register_module("skip", pointwise(channels, inner, batch_norm));
  psi_ = register_module("psi", pointwise(inner, 1, batch_norm));
}

torch::Tensor AttentionGateImpl::forward(const torch::Tensor& gate, const torch::Tensor& skip) {
  return skip * torch::sigmoid(psi_->forward(torch::relu(gate_->forward(gate) + skip_->forward(skip))));
}

UNetImpl::UNetImpl(const common::ModelConfig& config) : config_(config) {
  if (config.width < 1 || config.depth < 1 || config.input_channels < 1)
    throw std::invalid_argument("U-Net needs width >= 1, depth >= 1 and input channels >= 1, got width " +
                                std::to_string(config.width) + ", depth " + std::to_string(config.depth) + ", " +
                                std::to_string(config.input_channels) + " channels");
  int64_t in = config.input_channels;
  for (int64_t level = 0; level < config.depth; ++level) {
    const int64_t out = config.width << level;
    encoders_->push_back(ConvBlock(in, out, config.batch_norm));
    in = out;
  }
  for (int64_t level = config.depth - 2; level >= 0; --level) {
    const int64_t out = config.width << level;
    upconvs_->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 2).stride(2)));
    decoders_->push_back(ConvBlock(2 * out, out, config.batch_norm));
    if (config.attention) gates_->push_back(AttentionGate(out, config.batch_norm));
    in = out;
  }
  head_ = nn::Conv2d(nn::Conv2dOptions(in, 3, 1));
  register_module("encoders", encoders_);
  register_module("upconvs", upconvs_);
  register_module("decoders", decoders_);
  register_module("head", head_);
  if (config.attention) register_module("gates", gates_);
}

namespace {
// Zero-pads u (B, C, h, w) on the bottom/right (and top/left for even splits) to skip's H x W.
torch::Tensor pad_to_match(const torch::Tensor& u, const torch::Tensor& skip) {
  const int64_t dh = skip.size(2) - u.size(2);
  const int64_t dw = skip.size(3) - u.size(3);
  if (dh == 0 && dw == 0) return u;
  return torch::constant_pad_nd(u, {dw / 2, dw - dw / 2, dh / 2, dh - dh / 2});
}
}  // namespace

torch::Tensor UNetImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> skips;  // encoder outputs, shallowest first
  for (size_t level = 0; level < encoders_->size(); ++level) {
    if (level > 0) x = torch::max_pool2d(x, 2);
    x = encoders_[level]->as<ConvBlock>()->forward(x);
    skips.push_back(x);
  }
  for (size_t i = 0; i < upconvs_->size(); ++i) {
    const torch::Tensor& skip = skips[skips.size() - 2 - i];
    auto up = pad_to_match(upconvs_[i]->as<nn::ConvTranspose2d>()->forward(x), skip);
    const torch::Tensor gated = gates_->is_empty() ? skip : gates_[i]->as<AttentionGate>()->forward(up, skip);
    x = decoders_[i]->as<ConvBlock>()->forward(torch::cat({up, gated}, 1));
  }
  return torch::sigmoid(head_->forward(x));
}

}  // namespace bokeh::training
