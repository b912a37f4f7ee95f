// The transport under a training group: sums and broadcasts of tensors across the group's
// communicator. Two backends behind one interface: MPI (tensors staged on the CPU, summed in a few
// large buckets) and NCCL (CUDA tensors, on the current CUDA stream), compiled when BOKEH_WITH_NCCL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <mpi.h>
#include <torch/torch.h>

namespace bokeh::orchestrator {

class GradientReducer {
 public:
  virtual ~GradientReducer() = default;
  // In place: each tensor (float or double, contiguous) becomes its sum over the communicator.
  virtual void sum(std::vector<torch::Tensor>& tensors) = 0;
  // In place: each tensor (contiguous, any type) becomes rank `root`'s.
  virtual void broadcast(std::vector<torch::Tensor>& tensors, int root) = 0;
  virtual const char* name() const = 0;
};

// Up to this many bytes of tensors travel in one reduction.
constexpr int64_t kBucketBytes = int64_t{16} << 20;

// Packs runs of consecutive tensors of one type and device into flat buckets of at most
// `bucket_bytes` (a larger tensor travels alone), calls `reduce` on each bucket, and copies the
// result back into the tensors.
void for_each_bucket(std::vector<torch::Tensor>& tensors, int64_t bucket_bytes,
                     const std::function<void(torch::Tensor& flat)>& reduce);

std::unique_ptr<GradientReducer> make_mpi_reducer(MPI_Comm comm);

// True when this build has the NCCL backend.
bool nccl_available();

// The backend for tensors on `device`: NCCL for a CUDA device when built with it, else MPI.
// Collective over `comm` (NCCL's communicator is made here, its unique id broadcast over MPI).
std::unique_ptr<GradientReducer> make_gradient_reducer(MPI_Comm comm, const torch::Device& device);

}  // namespace bokeh::orchestrator
