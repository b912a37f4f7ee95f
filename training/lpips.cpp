// LPIPS 'alex' v0.1: the weights file writer, loading the weights and the forward pass (see lpips.h).
#include "training/lpips.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

namespace bokeh::training {

namespace {
// AlexNet features convs: (stride, padding); max-pool 3/2 precedes taps 1 and 2.
constexpr int64_t kStride[5] = {4, 1, 1, 1, 1};
constexpr int64_t kPadding[5] = {2, 2, 1, 1, 1};
constexpr int kFeatureIndex[5] = {0, 3, 6, 8, 10};
// The scaling layer, applied to inputs mapped to [-1, 1].
constexpr double kShift[3] = {-0.030, -0.088, -0.188};
constexpr double kScale[3] = {0.458, 0.448, 0.450};
constexpr double kNormEps = 1e-10;

// x: (N, C, h, w) ReLU features -> x / (||x||_channels + eps), with a zero (not NaN) gradient
// through the norm where all channels are zero.
torch::Tensor unit_normalise(const torch::Tensor& x) {
  const auto squares = x.pow(2).sum(1, /*keepdim=*/true);  // (N, 1, h, w)
  const auto positive = squares > 0;
  const auto norm = torch::where(positive, torch::where(positive, squares, 1.0).sqrt(), 0.0);
  return x / (norm + kNormEps);
}
}  // namespace

void save_lpips_weights(const std::filesystem::path& path, const LpipsTensors& tensors) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path.string() + ": cannot create LPIPS weights file");
  auto put = [&out](const void* data, size_t bytes) { out.write(static_cast<const char*>(data), bytes); };
  put(common::kLpipsWeightsMagic, sizeof(common::kLpipsWeightsMagic) - 1);
  const auto count = static_cast<uint32_t>(tensors.size());
  put(&count, sizeof count);
  for (const auto& [name, tensor] : tensors) {
    const auto name_length = static_cast<uint32_t>(name.size());
    put(&name_length, sizeof name_length);
    put(name.data(), name.size());
    const auto ndim = static_cast<uint32_t>(tensor.dim());
    put(&ndim, sizeof ndim);
    for (int64_t d : tensor.sizes()) put(&d, sizeof d);
    const auto data = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    put(data.data_ptr<float>(), static_cast<size_t>(data.numel()) * sizeof(float));
  }
  out.close();
  if (!out) throw std::runtime_error(path.string() + ": cannot write LPIPS weights file");
}

LpipsTensors random_lpips_weights(uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  LpipsTensors tensors;
  for (const auto& spec : common::lpips_tensor_specs()) {
    torch::Tensor t;
    if (spec.name.rfind("lin", 0) == 0) {
      t = torch::rand(spec.shape, generator) * 0.1;
    } else if (spec.shape.size() == 1) {
      t = torch::randn(spec.shape, generator) * 0.05;
    } else {
      const double fan_in = static_cast<double>(spec.shape[1] * spec.shape[2] * spec.shape[3]);
      t = torch::randn(spec.shape, generator) * std::sqrt(2.0 / fan_in);
    }
    tensors.emplace_back(spec.name, t);
  }
  return tensors;
}

LpipsImpl::LpipsImpl(const std::filesystem::path& weights_file) {
  auto values = common::read_lpips_weight_values(weights_file);
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& spec : common::lpips_tensor_specs()) shapes[spec.name] = spec.shape;
  auto parameter = [&](const std::string& name) {
    std::string registered = name;
    std::replace(registered.begin(), registered.end(), '.', '_');
    auto& data = values.at(name);
    const auto tensor = torch::from_blob(data.data(), shapes.at(name), torch::kFloat32).clone();
    return register_parameter(registered, tensor, /*requires_grad=*/false);
  };
  for (int tap = 0; tap < 5; ++tap) {
    conv_weights_.push_back(parameter(fmt::format("features.{}.weight", kFeatureIndex[tap])));
    conv_biases_.push_back(parameter(fmt::format("features.{}.bias", kFeatureIndex[tap])));
    lin_weights_.push_back(parameter(fmt::format("lin{}.model.1.weight", tap)));
  }
  eval();
}

torch::Tensor LpipsImpl::forward(const torch::Tensor& a, const torch::Tensor& b) const {
  if (a.dim() != 4 || a.size(1) != 3 || a.sizes() != b.sizes())
    throw std::invalid_argument(fmt::format("lpips: expected two (B, 3, H, W) tensors of one shape, got {} and {}",
                                            c10::str(a.sizes()), c10::str(b.sizes())));
  if (a.size(2) < kLpipsMinSide || a.size(3) < kLpipsMinSide)
    throw std::invalid_argument(
        fmt::format("lpips: images must be at least {0}x{0}, got {1}x{2}", kLpipsMinSide, a.size(3), a.size(2)));
  const int64_t batch = a.size(0);
  const auto options = conv_weights_[0].options();
  const auto shift = torch::tensor({kShift[0], kShift[1], kShift[2]}, options).view({1, 3, 1, 1});
  const auto scale = torch::tensor({kScale[0], kScale[1], kScale[2]}, options).view({1, 3, 1, 1});

  // x: (2B, 3, H, W), both images through one pass
  auto x = (torch::cat({a, b}, 0).to(options.dtype()) * 2.0 - 1.0 - shift) / scale;
  torch::Tensor total;
  for (int tap = 0; tap < 5; ++tap) {
    if (tap == 1 || tap == 2) x = torch::max_pool2d(x, 3, 2);
    x = torch::relu(torch::conv2d(x, conv_weights_[tap], conv_biases_[tap], kStride[tap], kPadding[tap]));
    const auto unit = unit_normalise(x).split(batch, 0);                              // 2 x (B, C, h, w)
    const auto difference = (unit[0] - unit[1]).pow(2);                               // (B, C, h, w)
    const auto score = torch::conv2d(difference, lin_weights_[tap]).mean({1, 2, 3});  // (B,)
    total = tap == 0 ? score : total + score;
  }
  return total;
}

}  // namespace bokeh::training
