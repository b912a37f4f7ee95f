// The NCCL backend of GradientReducer (built with BOKEH_WITH_NCCL): buckets summed with
// ncclAllReduce and tensors broadcast with ncclBroadcast, both on the current CUDA stream, so they
// are ordered after the backward pass that produced them without a host synchronisation.
#include "training/collectives/nccl_reducer.h"
#include "orchestrator/mpi/mpi_check.h"

#include <stdexcept>
#include <string>

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <fmt/format.h>
#include <nccl.h>

namespace bokeh::orchestrator {

namespace {

void check(ncclResult_t result, const char* what) {
  if (result != ncclSuccess) throw std::runtime_error(fmt::format("{} failed: {}", what, ncclGetErrorString(result)));
}

ncclDataType_t nccl_type(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat:
      return ncclFloat32;
    case torch::kDouble:
      return ncclFloat64;
    default:
      throw std::invalid_argument(
          fmt::format("NCCL gradient sum: unsupported tensor type {}", std::string(c10::toString(t.scalar_type()))));
  }
}

class NcclReducer : public GradientReducer {
 public:
  NcclReducer(MPI_Comm comm, const torch::Device& device) : device_(device) {
    int rank = 0, size = 1;
    mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
    ncclUniqueId id;
    if (rank == 0) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    mpi_check(MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, comm), "MPI_Bcast");
    const c10::cuda::CUDAGuard guard(device_.index());
    check(ncclCommInitRank(&comm_, size, id, rank), "ncclCommInitRank");
  }
  ~NcclReducer() override { ncclCommDestroy(comm_); }
  NcclReducer(const NcclReducer&) = delete;
  NcclReducer& operator=(const NcclReducer&) = delete;

  void sum(std::vector<torch::Tensor>& tensors) override {
    const c10::cuda::CUDAGuard guard(device_.index());
    const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(device_.index()).stream();
    for_each_bucket(tensors, kBucketBytes, [&](torch::Tensor& flat) {
      check(ncclAllReduce(flat.data_ptr(), flat.data_ptr(), static_cast<size_t>(flat.numel()), nccl_type(flat), ncclSum,
                          comm_, stream),
            "ncclAllReduce");
    });
  }

  void broadcast(std::vector<torch::Tensor>& tensors, int root) override {
    const c10::cuda::CUDAGuard guard(device_.index());
    const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(device_.index()).stream();
    for (auto& t : tensors) {
      if (!t.is_contiguous()) throw std::invalid_argument("NCCL broadcast: tensor is not contiguous");
      const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
      check(ncclBroadcast(t.data_ptr(), t.data_ptr(), bytes, ncclUint8, root, comm_, stream), "ncclBroadcast");
    }
  }

  const char* name() const override { return "NCCL"; }

 private:
  torch::Device device_;
  ncclComm_t comm_ = nullptr;
};

}  // namespace

std::unique_ptr<GradientReducer> make_nccl_reducer(MPI_Comm comm, const torch::Device& device) {
  if (!device.is_cuda()) throw std::invalid_argument("the NCCL backend needs a CUDA device");
  return std::make_unique<NcclReducer>(comm, device);
}

}  // namespace bokeh::orchestrator
