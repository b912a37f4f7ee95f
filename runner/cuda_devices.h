// The CUDA devices this process's libtorch sees, for code that does not include libtorch (sweep's main).
#pragma once

namespace bokeh::runner {

int cuda_devices();  // 0 with a CPU-only libtorch or without a GPU

}  // namespace bokeh::runner
