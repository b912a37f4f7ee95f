// The gradient backends: bucketing (packing and copying back), the MPI backend on a one-rank
// communicator, the NCCL backend where this build and machine have it, and group layouts.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <mpi.h>

#include "training/collectives/gradient_reducer.h"
#include "orchestrator/mpi/rank_groups.h"

using namespace bokeh::orchestrator;

namespace {
// MPI once per test process (a singleton: no mpirun needed), finalised at exit.
void ensure_mpi() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) return;
  MPI_Init(nullptr, nullptr);
  std::atexit([] { MPI_Finalize(); });
}

std::vector<torch::Tensor> sample_tensors() {
  return {torch::arange(6, torch::kFloat).reshape({2, 3}), torch::full({4}, 0.5, torch::kFloat),
          torch::tensor({1.25}, torch::kDouble), torch::arange(3, torch::kFloat)};
}
}  // namespace

TEST_CASE("buckets pack runs of one type within the size limit and copy the result back", "[gradient_reducer]") {
  auto tensors = sample_tensors();
  const auto originals = sample_tensors();
  std::vector<int64_t> bucket_sizes;
  for_each_bucket(tensors, /*bucket_bytes=*/40, [&](torch::Tensor& flat) {
    bucket_sizes.push_back(flat.numel());
    flat.mul_(2);
  });
  // 6 + 4 floats (40 bytes) fit one bucket; the double starts another; the last floats a third.
  CHECK(bucket_sizes == std::vector<int64_t>{10, 1, 3});
  for (size_t i = 0; i < tensors.size(); ++i) {
    CHECK(tensors[i].sizes() == originals[i].sizes());
    CHECK(tensors[i].equal(originals[i] * 2));
  }
  std::vector<int64_t> one_each;
  for_each_bucket(tensors, /*bucket_bytes=*/4, [&](torch::Tensor& flat) { one_each.push_back(flat.numel()); });
  CHECK(one_each == std::vector<int64_t>{6, 4, 1, 3});  // a tensor larger than a bucket travels alone
}

TEST_CASE("the MPI backend on one rank leaves sums and broadcasts as they were", "[gradient_reducer]") {
  ensure_mpi();
  auto reducer = make_gradient_reducer(MPI_COMM_SELF, torch::kCPU);
  CHECK(std::string(reducer->name()) == "MPI");
  auto tensors = sample_tensors();
  reducer->sum(tensors);
  const auto originals = sample_tensors();
  for (size_t i = 0; i < tensors.size(); ++i) CHECK(tensors[i].equal(originals[i]));
  std::vector<torch::Tensor> buffers{torch::tensor({int64_t{7}}), torch::ones({2, 2})};
  reducer->broadcast(buffers, 0);
  CHECK(buffers[0].item<int64_t>() == 7);
  auto bad = std::vector<torch::Tensor>{torch::ones({2}, torch::kInt)};
  CHECK_THROWS_WITH(reducer->sum(bad), Catch::Matchers::Contains("unsupported tensor type"));
}

TEST_CASE("the NCCL backend sums CUDA tensors where this build and machine have it", "[gradient_reducer][nccl]") {
  if (!nccl_available()) {
    WARN("skipped: this build has no NCCL backend (BOKEH_WITH_NCCL is off: Debian's libtorch is CPU-only)");
    return;
  }
  if (!torch::cuda::is_available()) {
    WARN("skipped: no CUDA GPU on this machine");
    return;
  }
  ensure_mpi();
  const torch::Device gpu(torch::kCUDA, 0);
  auto reducer = make_gradient_reducer(MPI_COMM_SELF, gpu);
  CHECK(std::string(reducer->name()) == "NCCL");
  std::vector<torch::Tensor> tensors;
  for (const auto& t : sample_tensors()) tensors.push_back(t.to(gpu));
  reducer->sum(tensors);
  reducer->broadcast(tensors, 0);
  const auto originals = sample_tensors();
  for (size_t i = 0; i < tensors.size(); ++i) CHECK(tensors[i].cpu().equal(originals[i]));
}

TEST_CASE("group layouts: 1 + a multiple of ranks_per_run ranks", "[rank_groups]") {
  CHECK(group_layout_error(1, 1).empty());
  CHECK(group_layout_error(4, 1).empty());
  CHECK(group_layout_error(5, 2).empty());
  CHECK(group_layout_error(7, 3).empty());
  CHECK_THAT(group_layout_error(4, 2), Catch::Matchers::Contains("3 training ranks"));
  CHECK_THAT(group_layout_error(1, 2), Catch::Matchers::Contains("mpirun -n 3"));
  CHECK_THAT(group_layout_error(2, 2), Catch::Matchers::Contains("1 training rank:"));
}
