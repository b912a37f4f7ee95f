// Bucketing shared by the backends, and the choice of backend for a device.
#include "training/collectives/gradient_reducer.h"

#include "training/collectives/nccl_reducer.h"

namespace bokeh::orchestrator {

void for_each_bucket(std::vector<torch::Tensor>& tensors, int64_t bucket_bytes,
                     const std::function<void(torch::Tensor& flat)>& reduce) {
  size_t first = 0;
  while (first < tensors.size()) {
    const auto& head = tensors[first];
    size_t last = first + 1;  // the bucket is tensors [first, last)
    int64_t bytes = head.numel() * static_cast<int64_t>(head.element_size());
    while (last < tensors.size() && tensors[last].scalar_type() == head.scalar_type() &&
           tensors[last].device() == head.device()) {
      const int64_t more = tensors[last].numel() * static_cast<int64_t>(tensors[last].element_size());
      if (bytes + more > bucket_bytes) break;
      bytes += more;
      ++last;
    }
    std::vector<torch::Tensor> flat_parts;
    for (size_t i = first; i < last; ++i) flat_parts.push_back(tensors[i].reshape({-1}));
    torch::Tensor flat = torch::cat(flat_parts);
    reduce(flat);
    int64_t offset = 0;
    for (size_t i = first; i < last; ++i) {
      auto& t = tensors[i];
      t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
    first = last;
  }
}

bool nccl_available() {
#ifdef BOKEH_WITH_NCCL
  return true;
#else
  return false;
#endif
}

std::unique_ptr<GradientReducer> make_gradient_reducer(MPI_Comm comm, const torch::Device& device) {
#ifdef BOKEH_WITH_NCCL
  if (device.is_cuda()) return make_nccl_reducer(comm, device);
#endif
  (void)device;
  return make_mpi_reducer(comm);
}

}  // namespace bokeh::orchestrator
