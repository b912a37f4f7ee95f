// The peak bytes held in CPU tensors allocated while a scope runs, counted the way CUDA's caching
// allocator counts a GPU's: libtorch's CPU allocator (c10::GetCPUAllocator) is put behind a counting one
// for the scope's lifetime. Tensors that existed before (a model's weights) do not count; memory the
// allocator or a library keeps outside tensors (oneDNN's primitive caches) neither. One scope at a time.
#pragma once

#include <cstdint>

namespace c10 {
struct Allocator;
}

namespace bokeh::training {

class CpuTensorPeak {
 public:
  CpuTensorPeak();   // puts the counting allocator in front of the current CPU allocator
  ~CpuTensorPeak();  // puts the previous one back; tensors allocated in the scope still free correctly
  CpuTensorPeak(const CpuTensorPeak&) = delete;
  CpuTensorPeak& operator=(const CpuTensorPeak&) = delete;

  int64_t peak_bytes() const;  // the most bytes live at once in tensors allocated since construction

 private:
  c10::Allocator* previous_;
};

}  // namespace bokeh::training
