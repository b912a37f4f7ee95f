// Memory of the device a run trains on: free and total (for the one line an out-of-memory run fails
// with), the caching allocator's peak (for the benchmarks), and handing cached blocks back after a
// failure. CUDA figures need a CUDA libtorch (BOKEH_WITH_CUDA); the CPU's are the host's memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <torch/torch.h>

namespace bokeh::training {

struct DeviceMemory {
  int64_t free_bytes = 0;
  int64_t total_bytes = 0;
};

// Free and total memory of `device` (the host's available and total memory for the CPU); nullopt
// when this build cannot ask.
std::optional<DeviceMemory> device_memory(const torch::Device& device);

// Peak bytes held in tensors on a CUDA device since the last reset_peak_memory (nullopt on the CPU).
std::optional<int64_t> peak_allocated_bytes(const torch::Device& device);
void reset_peak_memory(const torch::Device& device);

// Returns the CUDA caching allocator's unused blocks to the driver (nothing on the CPU), so that
// the next run on this GPU, or another process sharing it, gets them.
void release_cached_memory(const torch::Device& device);

// The one line a run fails with when an allocation fails, e.g. "out of memory on cpu at batch size 8
// during epoch 2 (U-Net width 64, depth 4 at 128x128): 0.42 GiB free of 7.81 GiB (lower
// train.batch_size or model.width, or start fewer worker ranks per node)"; on a GPU the last hint is
// resources.runs_per_gpu. `phase` says when and what ran ("during epoch 2 (U-Net ...)", "while testing").
std::string out_of_memory_line(const torch::Device& device, int64_t batch_size, const std::string& phase);

}  // namespace bokeh::training
