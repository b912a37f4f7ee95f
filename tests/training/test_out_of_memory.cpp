// An allocation that fails mid-run (simulated: a CPU allocator that, once armed, throws as CUDA's
// caching allocator does, as libtorch's CPU allocator does, or std::bad_alloc) fails the run with one line naming the
// device, the batch size, the epoch and the free/total memory; the checkpoint of the last finished epoch stays, and the
// same run started again resumes from it.
#include "training/trainer.h"
#include <catch2/catch.hpp>

#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include "support/temp_dir.h"
#include "training/tiny_run.h"

using namespace bokeh::training;
using namespace bokeh::common;
using bokeh::test::TempDir;
using bokeh::test::tiny_config;
using bokeh::test::tiny_data;

namespace {

// libtorch 2.3 made Allocator::allocate non-const and added copy_data.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define BOKEH_ALLOCATOR_2_3 1
#define BOKEH_ALLOCATE_CONST
#else
#define BOKEH_ALLOCATE_CONST const
#endif

// The CPU allocator in place while it lives: passes every request to the previous allocator until
// armed, then refuses those of at least kLimit bytes.
class FailingAllocator : public c10::Allocator {
 public:
  static constexpr size_t kLimit = 16 * 1024;
  static constexpr uint8_t kPriority = 1;  // above the default allocator's 0

  FailingAllocator() : base_(c10::GetCPUAllocator()) { c10::SetCPUAllocator(this, kPriority); }
  ~FailingAllocator() override { c10::SetCPUAllocator(base_, kPriority); }

  // How a refusal is thrown: as CUDA's caching allocator does (OutOfMemoryError), as the CPU's
  // DefaultCPUAllocator does (a plain c10::Error, with its backtrace), or as operator new does.
  enum class Style { cuda, cpu, bad_alloc };
  explicit FailingAllocator(Style style) : FailingAllocator() { style_ = style; }

  void arm() { armed_ = true; }
  int refused() const { return refused_; }

  c10::DataPtr allocate(size_t bytes) BOKEH_ALLOCATE_CONST override {
    if (armed_ && bytes >= kLimit) {
      ++refused_;
      if (style_ == Style::cpu)
        C10_THROW_ERROR(Error, "DefaultCPUAllocator: not enough memory: you tried to allocate " +
                                   std::to_string(bytes) + " bytes.");
      if (style_ == Style::bad_alloc) throw std::bad_alloc();
      C10_THROW_ERROR(OutOfMemoryError, "simulated: tried to allocate " + std::to_string(bytes) + " bytes");
    }
    return base_->allocate(bytes);
  }
  c10::DeleterFnPtr raw_deleter() const override { return base_->raw_deleter(); }
#ifdef BOKEH_ALLOCATOR_2_3
  void copy_data(void* dest, const void* src, std::size_t count) const override { base_->copy_data(dest, src, count); }
#endif

 private:
  c10::Allocator* base_;
  bool armed_ = false;
  Style style_ = Style::cuda;
  mutable int refused_ = 0;
};

}  // namespace

TEST_CASE("an allocation failure fails the run with one line and keeps the last checkpoint", "[trainer][oom]") {
  at::set_num_threads(1);
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  const TrainConfig config = tiny_config(3);
  TrainOptions options;
  options.checkpoint_dir = dir.path() / "run";
  std::vector<int64_t> epochs;
  std::string message;
  const auto style =
      GENERATE(FailingAllocator::Style::cuda, FailingAllocator::Style::cpu, FailingAllocator::Style::bad_alloc);
  {
    FailingAllocator allocator(style);
    options.on_epoch = [&](const EpochFigures& f) {
      epochs.push_back(f.epoch);
      allocator.arm();  // epoch 1 is done and checkpointed; epoch 2's first batch cannot allocate
    };
    try {
      train_run(config, *data, options);
      FAIL("no error");
    } catch (const OutOfMemory& e) {
      message = e.what();
    }
    CHECK(allocator.refused() == 1);
  }
  INFO(message);
  CHECK(message.rfind("out of memory on cpu at batch size 5 during epoch 2 (U-Net width 4, depth 2 at 32x32): ", 0) ==
        0);
  CHECK(message.find(" GiB free of ") != std::string::npos);
  CHECK(message.find("lower train.batch_size or model.width") != std::string::npos);
  CHECK(message.find("fewer worker ranks per node") != std::string::npos);
  CHECK(message.find("DefaultCPUAllocator") == std::string::npos);  // no libtorch text, no backtrace
  CHECK(message.find('\n') == std::string::npos);
  CHECK(epochs == std::vector<int64_t>{1});

  // Started again (the sweep's retry), the run resumes after epoch 1 and finishes.
  options.on_epoch = [&](const EpochFigures& f) { epochs.push_back(f.epoch); };
  const TrainResult result = train_run(config, *data, options);
  CHECK(epochs == std::vector<int64_t>{1, 2, 3});
  CHECK(result.history.size() == 3);
}
