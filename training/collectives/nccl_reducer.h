// The NCCL backend of GradientReducer: CUDA tensors summed and broadcast by NCCL on the current
// CUDA stream. Declared only in builds with BOKEH_WITH_NCCL (CMake's BOKEH_WITH_NCCL option).
#pragma once

#include <memory>

#include <mpi.h>
#include <torch/torch.h>

#include "training/collectives/gradient_reducer.h"

namespace bokeh::orchestrator {

#ifdef BOKEH_WITH_NCCL
// Collective over `comm`: rank 0 makes NCCL's unique id and broadcasts it over MPI; every rank then
// joins the NCCL communicator on `device` (a CUDA device; one per rank).
std::unique_ptr<GradientReducer> make_nccl_reducer(MPI_Comm comm, const torch::Device& device);
#endif

}  // namespace bokeh::orchestrator
