// Resolving train.precision on a device and the autocast guard, for libtorch 1.13 (per-device-kind
// functions: set_cpu_enabled, set_autocast_gpu_dtype, ...) and 2.4+ (functions taking the device type).
#include "training/precision.h"

#include <stdexcept>

#include <ATen/autocast_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <fmt/format.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define BOKEH_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace bokeh::training {

namespace {

bool autocast_enabled(bool cuda) {
#ifdef BOKEH_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
  return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

at::ScalarType autocast_dtype(bool cuda) {
#ifdef BOKEH_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set_autocast(bool cuda, bool enabled, at::ScalarType dtype) {
#ifdef BOKEH_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, dtype);
  at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, enabled);
#else
  if (cuda) {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  }
#endif
}

}  // namespace

const char* precision_name(Precision precision) {
  switch (precision) {
    case Precision::fp32:
      return "fp32";
    case Precision::bf16:
      return "bf16";
    case Precision::fp16:
      return "fp16";
  }
  return "?";
}

bool cuda_supports_bf16(const torch::Device& device) {
  return device.is_cuda() && at::detail::getCUDAHooks().supportsBFloat16ConvolutionWithCuDNNv8();
}

Precision resolve_precision(const std::string& setting, const torch::Device& device) {
  const std::string where = device.str();
  if (setting == "auto") return cuda_supports_bf16(device) ? Precision::bf16 : Precision::fp32;
  if (setting == "fp32") return Precision::fp32;
  if (setting == "bf16") {
    if (device.is_cuda() && !cuda_supports_bf16(device))
      throw std::invalid_argument(
          fmt::format("train.precision is bf16 but {} has no bf16 convolutions (compute "
                      "capability 8.0+ and cuDNN 8 needed): use fp16 or fp32",
                      where));
    return Precision::bf16;
  }
  if (setting == "fp16") {
    if (!device.is_cuda())
      throw std::invalid_argument(
          fmt::format("train.precision is fp16 but the run is on {}: CPU autocast runs bf16 "
                      "only; use bf16 or fp32 there",
                      where));
    return Precision::fp16;
  }
  throw std::invalid_argument(fmt::format("train.precision must be auto, fp32, bf16 or fp16, got \"{}\"", setting));
}

AutocastGuard::AutocastGuard(const torch::Device& device, Precision precision) {
  if (precision == Precision::fp32) return;
  active_ = true;
  cuda_ = device.is_cuda();
  was_enabled_ = autocast_enabled(cuda_);
  was_dtype_ = autocast_dtype(cuda_);
  at::autocast::increment_nesting();
  set_autocast(cuda_, true, precision == Precision::bf16 ? at::kBFloat16 : at::kHalf);
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  set_autocast(cuda_, was_enabled_, was_dtype_);
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
}

}  // namespace bokeh::training
