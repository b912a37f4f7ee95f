// Which GPU a worker rank trains on, and the dry run's account of it. Every node's training ranks
// are numbered 0.. (the node-local worker index); with resources.runs_per_gpu N, N consecutive
// workers share one GPU: worker w takes GPU (w / N) mod G. No libtorch here: the caller counts the GPUs.
#pragma once

#include <cstdint>
#include <string>

#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

// The GPU index of node-local worker `worker` when `gpus` GPUs (> 0) are shared `runs_per_gpu` (>= 1) ways.
int gpu_for_worker(int worker, int64_t runs_per_gpu, int gpus);

// One line for `sweep --dry-run`: where the workers of a node with `gpus` visible GPUs train under
// `resources` (device, runs_per_gpu), e.g. "gpus: 2 on this node, runs_per_gpu 2: workers 0-1 ->
// cuda:0, 2-3 -> cuda:1; 4 workers per node fill them (mpirun -n 5 on one node)".
std::string describe_gpu_mapping(const Resources& resources, int gpus);

}  // namespace bokeh::orchestrator
