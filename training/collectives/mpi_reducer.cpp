// The MPI backend of GradientReducer: tensors staged on the CPU, summed with MPI_Allreduce in a few
// large buckets (one call per bucket rather than one per parameter), broadcast with MPI_Bcast.
#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "training/collectives/gradient_reducer.h"
#include "orchestrator/mpi/mpi_check.h"

namespace bokeh::orchestrator {

namespace {

MPI_Datatype mpi_type(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat:
      return MPI_FLOAT;
    case torch::kDouble:
      return MPI_DOUBLE;
    default:
      throw std::invalid_argument(
          fmt::format("MPI gradient sum: unsupported tensor type {}", std::string(c10::toString(t.scalar_type()))));
  }
}

int mpi_count(int64_t n) {
  if (n > std::numeric_limits<int>::max())
    throw std::invalid_argument(fmt::format("MPI gradient sum: {} elements is more than one MPI call takes", n));
  return static_cast<int>(n);
}

class MpiReducer : public GradientReducer {
 public:
  explicit MpiReducer(MPI_Comm comm) : comm_(comm) {}

  void sum(std::vector<torch::Tensor>& tensors) override {
    for_each_bucket(tensors, kBucketBytes, [&](torch::Tensor& flat) {
      torch::Tensor host = flat.is_cpu() ? flat : flat.cpu();
      mpi_check(MPI_Allreduce(MPI_IN_PLACE, host.data_ptr(), mpi_count(host.numel()), mpi_type(host), MPI_SUM, comm_),
                "MPI_Allreduce");
      if (!flat.is_cpu()) flat.copy_(host);
    });
  }

  void broadcast(std::vector<torch::Tensor>& tensors, int root) override {
    for (auto& t : tensors) {
      torch::Tensor host = t.is_cpu() ? t.contiguous() : t.cpu();
      const int64_t bytes = host.numel() * static_cast<int64_t>(host.element_size());
      mpi_check(MPI_Bcast(host.data_ptr(), mpi_count(bytes), MPI_BYTE, root, comm_), "MPI_Bcast");
      if (!host.is_same(t)) t.copy_(host);
    }
  }

  const char* name() const override { return "MPI"; }

 private:
  MPI_Comm comm_;
};

}  // namespace

std::unique_ptr<GradientReducer> make_mpi_reducer(MPI_Comm comm) { return std::make_unique<MpiReducer>(comm); }

}  // namespace bokeh::orchestrator
