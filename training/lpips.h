// LPIPS 'alex' v0.1 (Zhang et al. 2018), implemented natively: the scaling layer, torchvision
// AlexNet's relu1..relu5 taps, channel unit-normalisation, squared difference, non-negative 1x1
// "lin" weights, spatial mean, sum over taps. Weights come from a file the user names; nothing is
// downloaded. tools/export_lpips_weights.py writes that file from `lpips.LPIPS(net='alex',
// version='0.1')` (pip install lpips).
//
// The weights file format and its reader: common/lpips_weights_file.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "common/lpips_weights_file.h"

namespace bokeh::training {

using LpipsTensors = std::vector<std::pair<std::string, torch::Tensor>>;  // (name, tensor) in file order

// Writes tensors (float32-convertible, any device) in the format above, as given (no checks, so
// tests can also write bad files); throws naming the file when it cannot be written.
void save_lpips_weights(const std::filesystem::path& path, const LpipsTensors& tensors);

// Random stand-ins for the real weights, for tests: every spec'd tensor, float32, drawn from a
// generator seeded with `seed` (He-scaled convs, small biases, lin weights uniform in [0, 0.1)).
LpipsTensors random_lpips_weights(uint64_t seed);

class LpipsImpl : public torch::nn::Module {
 public:
  // Loads and validates the weights (read_lpips_weight_values, which throws naming the file and
  // tensor); they are registered as frozen parameters (requires_grad false), so `->to(device)` moves them.
  explicit LpipsImpl(const std::filesystem::path& weights_file);

  // Distance per image pair. a, b: (B, 3, H, W) in [0, 1], H and W >= 31 -> (B,).
  // Differentiable in a and b (run it under torch::NoGradGuard for metrics).
  torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& b) const;

 private:
  std::vector<torch::Tensor> conv_weights_;  // 5, AlexNet features.{0,3,6,8,10}.weight
  std::vector<torch::Tensor> conv_biases_;   // 5
  std::vector<torch::Tensor> lin_weights_;   // 5, (1, C_i, 1, 1)
};
TORCH_MODULE(Lpips);  // Lpips net(path); an empty holder (Lpips{nullptr}) means "no weights"

// Smallest image side the AlexNet taps accept (relu5 is then 1x1).
constexpr int64_t kLpipsMinSide = 31;

}  // namespace bokeh::training
