// How fast a trained model renders one photo at the study's full EBB! resolution (common::InferenceFigures):
// what the worker measures of a run's best weights after its test metrics (metrics.inference_repeats).
#pragma once

#include <cstdint>

#include <torch/torch.h>

#include "common/train_result.h"
#include "training/bokeh_net.h"

namespace bokeh::training {

// Runs `model` (set to eval mode; on `device`, its weights laid out in `format`) in fp32 on one
// kInferenceHeight x kInferenceWidth photo, batch 1, in `format`, with the threads torch has: one warm-up
// pass, then `repeats` (>= 1) timed ones, each waited for on a GPU. Returns their median seconds; the peak
// bytes held at once in the tensors the passes allocate (CPU: counted by training/cpu_tensor_peak.h; CUDA:
// the caching allocator's peak above what was allocated before; the weights, allocated before, do not
// count; none on a GPU this build cannot ask); the device ("cpu, 2 threads", "cuda:0") and `repeats`.
common::InferenceFigures time_inference(BokehNet model, const torch::Device& device, torch::MemoryFormat format,
                                        int64_t repeats);

}  // namespace bokeh::training
