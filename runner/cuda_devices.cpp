// The CUDA devices libtorch sees (cuda_devices.h).
#include "runner/cuda_devices.h"

#include <torch/cuda.h>

namespace bokeh::runner {

int cuda_devices() { return static_cast<int>(torch::cuda::device_count()); }

}  // namespace bokeh::runner
