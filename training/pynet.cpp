// PyNET-Bokeh's module: model.py's wiring (common/pynet_facts.cpp lists the same layers without libtorch),
// its init (weights truncated normal, std 0.01, at 2 std; biases 0.01) and its outputs.
#include "training/pynet.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace bokeh::training {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

constexpr double kWeightStd = 0.01;
constexpr double kLeakySlope = 0.2;  // LeakyReLU

// TensorFlow's truncated_normal: N(0, std) redrawn outside 2 std, by inverting the normal's CDF on the
// uniform range of the kept interval.
void truncated_normal_(torch::Tensor weight, double std) {
  torch::NoGradGuard no_grad;
  const double low = 0.5 * std::erfc(std::sqrt(2.0));  // Phi(-2)
  weight.uniform_(2 * low - 1, 1 - 2 * low).erfinv_().mul_(std * std::sqrt(2.0)).clamp_(-2 * std, 2 * std);
}

nn::Conv2d pynet_conv(int64_t in, int64_t out, int64_t kernel) {
  nn::Conv2d c(nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
  truncated_normal_(c->weight, kWeightStd);
  torch::NoGradGuard no_grad;
  c->bias.fill_(0.01);
  return c;
}

torch::Tensor head_to_image(const torch::Tensor& head) { return torch::tanh(head) * 0.58 + 0.5; }

}  // namespace

MultiKernelBlockImpl::MultiKernelBlockImpl(int64_t in_channels, int64_t max_kernel, int64_t maps, bool instance_norm) {
  for (int64_t k = 3; k <= max_kernel; k += 2) {
    nn::Sequential branch;
    for (int64_t i = 0; i < 2; ++i) {
      branch->push_back(pynet_conv(i == 0 ? in_channels : maps, maps, k));
      if (instance_norm) branch->push_back(nn::InstanceNorm2d(nn::InstanceNorm2dOptions(maps).eps(1e-3).affine(true)));
      branch->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(kLeakySlope).inplace(true)));
    }
    branches_->push_back(branch);
    out_channels_ += maps;
  }
  register_module("branches", branches_);
}

torch::Tensor MultiKernelBlockImpl::forward(const torch::Tensor& x) {
  if (branches_->size() == 1) return branches_[0]->as<nn::Sequential>()->forward(x);
  std::vector<torch::Tensor> outputs;
  for (const auto& branch : *branches_) outputs.push_back(branch->as<nn::Sequential>()->forward(x));
  return torch::cat(outputs, 1);
}

int64_t PyNetPartImpl::add_block(int64_t in_channels, int64_t max_kernel, int64_t maps, bool instance_norm) {
  MultiKernelBlock block(in_channels, max_kernel, maps, instance_norm);
  blocks_->push_back(block);
  return block->out_channels();
}

void PyNetPartImpl::add_up(int64_t in_channels, int64_t out_channels) {
  nn::ConvTranspose2d up(nn::ConvTranspose2dOptions(in_channels, out_channels, 3).stride(2).bias(false));
  truncated_normal_(up->weight, kWeightStd);
  ups_->push_back(up);
}

void PyNetPartImpl::add_head(int64_t in_channels) { heads_->push_back(pynet_conv(in_channels, 3, 3)); }

torch::Tensor PyNetPartImpl::block(size_t i, const torch::Tensor& x) {
  return blocks_[i]->as<MultiKernelBlock>()->forward(x);
}

// TensorFlow's conv2d_transpose with SAME padding: input pixel i feeds outputs 2i..2i+2, the last row
// and column (2h) dropped.
torch::Tensor PyNetPartImpl::up(size_t i, const torch::Tensor& x) {
  const torch::Tensor full = ups_[i]->as<nn::ConvTranspose2d>()->forward(x);
  return F::leaky_relu(full.slice(2, 0, 2 * x.size(2)).slice(3, 0, 2 * x.size(3)),
                       F::LeakyReLUFuncOptions().negative_slope(kLeakySlope));
}

torch::Tensor PyNetPartImpl::head(size_t i, const torch::Tensor& x) { return heads_[i]->as<nn::Conv2d>()->forward(x); }

PyNetImpl::PyNetImpl(const common::ModelConfig& config) : config_(config) {
  const int64_t input_channels = config.input_channels;
  if (config.width < 1 || input_channels < 1)
    throw std::invalid_argument("PyNET needs width >= 1 and input channels >= 1, got width " +
                                std::to_string(config.width) + ", " + std::to_string(input_channels) + " channels");
  auto maps = [&](int64_t level) { return config.width << (level - 1); };
  int64_t skip[6] = {};  // the encoder's output maps per level
  int64_t in = 4 * input_channels;
  for (int64_t level = 1; level <= 4; ++level) {
    encoder_.push_back(register_module("encoder" + std::to_string(level), PyNetPart()));
    in = skip[level] = encoder_.back()->add_block(in, 3, maps(level), level > 1);
  }
  for (int64_t level = 5; level >= 0; --level)
    decoder_.push_back(register_module("level" + std::to_string(level), PyNetPart()));
  PyNetPart l5 = decoder_[0], l4 = decoder_[1], l3 = decoder_[2], l2 = decoder_[3], l1 = decoder_[4], l0 = decoder_[5];

  int64_t x = skip[4];
  for (int i = 0; i < 4; ++i) x = l5->add_block(x, 3, maps(5), true);
  l5->add_up(x, maps(4)), l5->add_up(x, maps(4)), l5->add_head(x);

  x = skip[4] + maps(4);
  for (int i = 0; i < 4; ++i) x = l4->add_block(x, 3, maps(4), true);
  x = l4->add_block(x + maps(4), 3, maps(4), true);
  l4->add_up(x, maps(3)), l4->add_up(x, maps(3)), l4->add_head(x);

  x = skip[3] + maps(3);
  for (int i = 0; i < 4; ++i) x = l3->add_block(x, 5, maps(3), true);
  x = l3->add_block(x + skip[3] + maps(3), 3, maps(3), true);
  l3->add_up(x, maps(2)), l3->add_up(x, maps(2)), l3->add_head(x);

  x = l2->add_block(skip[2] + maps(2), 5, maps(2), true) + skip[2];
  for (int i = 0; i < 4; ++i) x = l2->add_block(x, 7, maps(2), true);
  x = l2->add_block(x + skip[2], 5, maps(2), true) + maps(2);
  x = l2->add_block(x, 3, maps(2), true);
  l2->add_up(x, maps(1)), l2->add_up(x, maps(1)), l2->add_head(x);

  x = l1->add_block(skip[1] + maps(1), 5, maps(1), false) + skip[1];
  x = l1->add_block(x, 7, maps(1), false);
  for (int i = 0; i < 5; ++i) x = l1->add_block(x, i < 4 ? 9 : 7, maps(1), false);
  x = l1->add_block(x + skip[1], 5, maps(1), false) + maps(1) + skip[1];
  x = l1->add_block(x, 3, maps(1), false);
  l1->add_head(x);

  const int64_t level0_maps = (config.width + 3) / 4;  // 8 at width 32
  l0->add_up(x, level0_maps), l0->add_head(level0_maps), l0->add_up(3, 3), l0->add_head(3);
}

torch::Tensor PyNetImpl::run(const torch::Tensor& photo, std::vector<torch::Tensor>* coarser) {
  auto output = [&](PyNetPart& part, const torch::Tensor& x) {
    if (coarser) coarser->push_back(head_to_image(part->head(0, x)));
  };
  const torch::Tensor half = F::interpolate(photo, F::InterpolateFuncOptions()
                                                       .size(std::vector<int64_t>{photo.size(2) / 2, photo.size(3) / 2})
                                                       .mode(torch::kBicubic)
                                                       .align_corners(false)
                                                       .antialias(true));
  torch::Tensor e[5];  // the encoder's outputs per level
  torch::Tensor x = torch::pixel_unshuffle(half, 2);
  for (int64_t level = 1; level <= 4; ++level) {
    x = e[level] = encoder_[level - 1]->block(0, level == 1 ? x : torch::max_pool2d(x, 2));
  }
  PyNetPart l5 = decoder_[0], l4 = decoder_[1], l3 = decoder_[2], l2 = decoder_[3], l1 = decoder_[4], l0 = decoder_[5];

  x = l5->block(0, torch::max_pool2d(x, 2));
  x = l5->block(1, x) + x;
  x = l5->block(2, x) + x;
  x = l5->block(3, x);
  torch::Tensor a = l5->up(0, x), b = l5->up(1, x);
  output(l5, x);

  x = l4->block(0, torch::cat({e[4], a}, 1));
  x = l4->block(1, x) + x;
  x = l4->block(2, x) + x;
  x = l4->block(4, torch::cat({l4->block(3, x), b}, 1));
  a = l4->up(0, x), b = l4->up(1, x);
  output(l4, x);

  x = torch::cat({e[3], a}, 1);
  for (size_t i = 0; i < 3; ++i) x = l3->block(i, x) + x;
  x = l3->block(4, torch::cat({l3->block(3, x), e[3], b}, 1));
  a = l3->up(0, x), b = l3->up(1, x);
  output(l3, x);

  x = torch::cat({l2->block(0, torch::cat({e[2], a}, 1)), e[2]}, 1);
  for (size_t i = 1; i < 4; ++i) x = l2->block(i, x) + x;
  x = torch::cat({l2->block(4, x), e[2]}, 1);
  x = l2->block(6, torch::cat({l2->block(5, x), b}, 1));
  a = l2->up(0, x), b = l2->up(1, x);
  output(l2, x);

  x = torch::cat({l1->block(0, torch::cat({e[1], a}, 1)), e[1]}, 1);
  x = l1->block(2, l1->block(1, x));
  for (size_t i = 3; i < 6; ++i) x = l1->block(i, x) + x;
  x = torch::cat({l1->block(6, x), e[1]}, 1);
  x = l1->block(8, torch::cat({l1->block(7, x), b, e[1]}, 1));
  output(l1, x);

  const torch::Tensor level0 = l0->head(0, l0->up(0, x));  // before its tanh: the next upsample's input
  if (coarser) coarser->push_back(head_to_image(level0));
  return head_to_image(l0->head(1, l0->up(1, level0)));
}

torch::Tensor PyNetImpl::forward(torch::Tensor x) { return run(x, nullptr); }

std::vector<torch::Tensor> PyNetImpl::levels(const torch::Tensor& x) {
  std::vector<torch::Tensor> outputs;
  outputs.push_back(run(x, &outputs));
  return outputs;
}

}  // namespace bokeh::training
