// Mixed precision for a run: which precision `train.precision` means on a device, and the autocast
// region a forward pass runs in. Master weights, optimizer state, the loss and the metrics stay fp32;
// only the U-Net's forward (and so its backward) runs in bf16 or fp16. fp16's loss scaling is
// training/loss_scaler.h.
#pragma once

#include <string>

#include <torch/torch.h>

namespace bokeh::training {

enum class Precision { fp32, bf16, fp16 };

const char* precision_name(Precision precision);

// True when `device` is a CUDA device whose cuDNN runs bf16 convolutions (compute capability 8.0+).
bool cuda_supports_bf16(const torch::Device& device);

// `train.precision` ("auto", "fp32", "bf16" or "fp16") on `device`. auto: bf16 on a CUDA device that
// supports it, else fp32. Throws std::invalid_argument for an unknown name, fp16 on the CPU (CPU
// autocast runs bf16 only) and bf16 on a CUDA device without bf16 convolutions.
Precision resolve_precision(const std::string& setting, const torch::Device& device);

// Autocast to `precision` on `device`'s type while it lives (nothing for fp32); restores the previous
// autocast state and drops autocast's cache of cast weights when it ends, as PyTorch's
// `torch.autocast` does, so that the next step casts the updated weights.
class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& device, Precision precision);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kFloat;
};

}  // namespace bokeh::training
