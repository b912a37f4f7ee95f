// A counting allocator in front of libtorch's CPU allocator (cpu_tensor_peak.h).
#include "training/cpu_tensor_peak.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include <c10/core/CPUAllocator.h>

namespace bokeh::training {
namespace {

// Passes every allocation to `inner` and counts the bytes live and their peak. Its data pointers are
// simple ones (the context is the data, freed by raw_deleter()), as libtorch's raw_allocate needs: each
// pointer's size and inner deleter are kept by address. One for the process (never destroyed), so that
// a tensor freed after its scope ended still finds it.
class CountingAllocator final : public c10::Allocator {
 public:
  void start(c10::Allocator* inner) {
    const std::lock_guard<std::mutex> lock(mutex_);
    inner_ = inner;
    base_ = peak_ = live_;  // what earlier scopes' tensors still hold does not count
  }
  int64_t peak() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return peak_ - base_;
  }

  c10::DataPtr allocate(size_t bytes) override {
    c10::DataPtr inner = inner_->allocate(bytes);
    if (inner.get() == nullptr || !inner_->is_simple_data_ptr(inner)) return inner;  // not countable by address
    const c10::Device device = inner.device();
    const c10::DeleterFnPtr deleter = inner.get_deleter();
    void* data = inner.release_context();
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      allocations_[data] = {static_cast<int64_t>(bytes), deleter};
      live_ += static_cast<int64_t>(bytes);
      peak_ = std::max(peak_, live_);
    }
    return {data, data, &release, device};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
  void copy_data(void* dest, const void* src, std::size_t count) const override { std::memcpy(dest, src, count); }

 private:
  struct Allocation {
    int64_t bytes;
    c10::DeleterFnPtr deleter;  // the inner allocator's
  };
  static void release(void* data);

  mutable std::mutex mutex_;
  c10::Allocator* inner_ = nullptr;
  std::unordered_map<void*, Allocation> allocations_;
  int64_t live_ = 0, peak_ = 0, base_ = 0;
};

CountingAllocator& counting() {
  static CountingAllocator* const allocator = new CountingAllocator();  // never destroyed (see above)
  return *allocator;
}

void CountingAllocator::release(void* data) {
  if (data == nullptr) return;
  CountingAllocator& self = counting();
  c10::DeleterFnPtr deleter = nullptr;
  {
    const std::lock_guard<std::mutex> lock(self.mutex_);
    const auto it = self.allocations_.find(data);
    deleter = it->second.deleter;
    self.live_ -= it->second.bytes;
    self.allocations_.erase(it);
  }
  deleter(data);
}

// Above the default allocator's priority (0); SetCPUAllocator keeps an allocator of higher priority.
constexpr uint8_t kPriority = 100;

}  // namespace

CpuTensorPeak::CpuTensorPeak() : previous_(c10::GetCPUAllocator()) {
  counting().start(previous_);
  c10::SetCPUAllocator(&counting(), kPriority);
}

CpuTensorPeak::~CpuTensorPeak() { c10::SetCPUAllocator(previous_, kPriority); }

int64_t CpuTensorPeak::peak_bytes() const { return counting().peak(); }

}  // namespace bokeh::training
