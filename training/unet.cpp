// The Vanilla U-Net (study Algorithm 1).
#include "training/unet.h"

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
    in = out;
  }
  head_ = nn::Conv2d(nn::Conv2dOptions(in, 3, 1));
  register_module("encoders", encoders_);
  register_module("upconvs", upconvs_);
  register_module("decoders", decoders_);
  register_module("head", head_);
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
    x = decoders_[i]->as<ConvBlock>()->forward(torch::cat({up, skip}, 1));
  }
  return torch::sigmoid(head_->forward(x));
}

}  // namespace bokeh::training
