// The worker-to-GPU rule and its description for the dry run.
#include "orchestrator/plan/gpu_mapping.h"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

namespace bokeh::orchestrator {

int gpu_for_worker(int worker, int64_t runs_per_gpu, int gpus) {
  if (gpus < 1 || runs_per_gpu < 1 || worker < 0)
    throw std::invalid_argument(
        fmt::format("gpu_for_worker: worker {}, runs_per_gpu {}, gpus {}", worker, runs_per_gpu, gpus));
  return static_cast<int>((worker / runs_per_gpu) % gpus);
}

std::string describe_gpu_mapping(const Resources& resources, int gpus) {
  const int64_t share = resources.runs_per_gpu;
  if (resources.device == "cpu")
    return fmt::format("gpus: none used (resources.device cpu): every worker trains on the CPU");
  if (gpus < 1)
    return fmt::format(
        "gpus: none visible to this build on this node: {}",
        resources.device == "cuda" ? "runs fail here (resources.device cuda)" : "workers train on the CPU");
  std::vector<std::string> parts;
  for (int g = 0; g < gpus; ++g) {
    const int64_t first = g * share, last = first + share - 1;
    parts.push_back(share == 1 ? fmt::format("{} -> cuda:{}", first, g)
                               : fmt::format("{}-{} -> cuda:{}", first, last, g));
  }
  const int64_t workers = share * gpus;
  std::string joined;
  for (const std::string& p : parts) joined += (joined.empty() ? "" : ", ") + p;
  return fmt::format(
      "gpus: {} on this node, runs_per_gpu {}: workers {}; {} worker{} per node fill them "
      "(mpirun -n {} on one node); more wrap around",
      gpus, share, joined, workers, workers == 1 ? "" : "s", workers + 1);
}

}  // namespace bokeh::orchestrator
