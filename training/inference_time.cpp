// Timing the best weights on one full-resolution photo (inference_time.h).
#include "training/inference_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "training/cpu_tensor_peak.h"
#include "training/device_memory.h"

namespace bokeh::training {
namespace {

void wait_for(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

}  // namespace

common::InferenceFigures time_inference(BokehNet model, const torch::Device& device, torch::MemoryFormat format,
                                        int64_t repeats) {
  torch::NoGradGuard no_grad;
  model->eval();
  common::InferenceFigures figures;
  figures.repeats = std::max<int64_t>(repeats, 1);
  const int threads = torch::get_num_threads();
  figures.device = device.is_cpu() ? fmt::format("cpu, {} thread{}", threads, threads == 1 ? "" : "s") : device.str();

  std::optional<int64_t> cuda_before = peak_allocated_bytes(device);
  if (cuda_before) {
    reset_peak_memory(device);
    cuda_before = peak_allocated_bytes(device);  // after the reset: what is allocated now
  }
  std::optional<CpuTensorPeak> cpu_peak;
  if (device.is_cpu()) cpu_peak.emplace();

  // Grey in every channel (a depth model's 4th: mid depth).
  const torch::Tensor photo =
      torch::full({1, model->config().input_channels, common::kInferenceHeight, common::kInferenceWidth}, 0.5f,
                  torch::TensorOptions().device(device))
          .contiguous(format);
  model->forward(photo);  // warm-up: kernels chosen, buffers allocated
  wait_for(device);
  std::vector<double> seconds;
  for (int64_t i = 0; i < figures.repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    model->forward(photo);
    wait_for(device);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  const size_t mid = seconds.size() / 2;
  figures.seconds = seconds.size() % 2 == 1 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2;

  constexpr double kMb = 1024.0 * 1024.0;
  if (cpu_peak) {
    figures.peak_mb = static_cast<double>(cpu_peak->peak_bytes()) / kMb;
  } else if (const std::optional<int64_t> cuda_peak = peak_allocated_bytes(device); cuda_peak && cuda_before) {
    figures.peak_mb = static_cast<double>(*cuda_peak - *cuda_before) / kMb;
  }
  return figures;
}

}  // namespace bokeh::training
