// Device memory queries: cudaMemGetInfo and the CUDA caching allocator's statistics with a CUDA
// libtorch, sysconf for the host.
#include "training/device_memory.h"

#include <unistd.h>

#include <fmt/format.h>

#ifdef BOKEH_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace bokeh::training {

namespace {
double gib(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0); }
}  // namespace

std::optional<DeviceMemory> device_memory(const torch::Device& device) {
  if (device.is_cpu()) {
    const long page = sysconf(_SC_PAGESIZE), available = sysconf(_SC_AVPHYS_PAGES), total = sysconf(_SC_PHYS_PAGES);
    if (page <= 0 || available < 0 || total <= 0) return std::nullopt;
    return DeviceMemory{static_cast<int64_t>(available) * page, static_cast<int64_t>(total) * page};
  }
#ifdef BOKEH_WITH_CUDA
  if (device.is_cuda()) {
    const c10::cuda::CUDAGuard guard(device);
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess) {
      (void)cudaGetLastError();  // clear the sticky error of the failed query
      return std::nullopt;
    }
    return DeviceMemory{static_cast<int64_t>(free), static_cast<int64_t>(total)};
  }
#endif
  return std::nullopt;
}

std::optional<int64_t> peak_allocated_bytes([[maybe_unused]] const torch::Device& device) {
#ifdef BOKEH_WITH_CUDA
  if (device.is_cuda())  // index 0: the aggregate over pool kinds
    return c10::cuda::CUDACachingAllocator::getDeviceStats(device.index()).allocated_bytes[0].peak;
#endif
  return std::nullopt;
}

void reset_peak_memory([[maybe_unused]] const torch::Device& device) {
#ifdef BOKEH_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(device.index());
#endif
}

void release_cached_memory([[maybe_unused]] const torch::Device& device) {
#ifdef BOKEH_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

std::string out_of_memory_line(const torch::Device& device, int64_t batch_size, const std::string& phase) {
  const auto memory = device_memory(device);
  const std::string figures =
      memory ? fmt::format("{:.2f} GiB free of {:.2f} GiB", gib(memory->free_bytes), gib(memory->total_bytes))
             : std::string("free memory unknown");
  return fmt::format("out of memory on {} at batch size {} {}: {} (lower train.batch_size or model.width, or {})",
                     device.str(), batch_size, phase, figures,
                     device.is_cuda() ? "resources.runs_per_gpu" : "start fewer worker ranks per node");
}

}  // namespace bokeh::training
