// Timing the best weights on one full-resolution photo (inference_time.h).
#include "training/inference_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "training/device_memory.h"

namespace bokeh::training {
namespace {

// A "Name:   123 kB" line of /proc/self/status, in bytes; nullopt where there is none.
std::optional<int64_t> status_bytes(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(name + ":", 0) == 0) return std::stoll(line.substr(name.size() + 1)) * 1024;
  }
  return std::nullopt;
}

// Resets the process's peak resident set (VmHWM) to its current one (Linux >= 4.0); false where it cannot.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

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
  figures.device = device.is_cpu() ? fmt::format("cpu, {} threads", torch::get_num_threads()) : device.str();

  std::optional<int64_t> cuda_before = peak_allocated_bytes(device);
  if (cuda_before) {
    reset_peak_memory(device);
    cuda_before = peak_allocated_bytes(device);  // after the reset: what is allocated now
  }
  const bool cpu_peak = device.is_cpu() && reset_peak_rss();
  const std::optional<int64_t> rss_before = cpu_peak ? status_bytes("VmRSS") : std::nullopt;

  const torch::Tensor photo = torch::full({1, 3, common::kInferenceHeight, common::kInferenceWidth}, 0.5f,
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
  if (const std::optional<int64_t> cuda_peak = peak_allocated_bytes(device); cuda_peak && cuda_before) {
    figures.peak_mb = static_cast<double>(*cuda_peak - *cuda_before) / kMb;
  } else if (const std::optional<int64_t> hwm = status_bytes("VmHWM"); rss_before && hwm) {
    figures.peak_mb = static_cast<double>(std::max<int64_t>(*hwm - *rss_before, 0)) / kMb;
  }
  return figures;
}

}  // namespace bokeh::training
