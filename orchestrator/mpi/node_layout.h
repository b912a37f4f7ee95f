// Where this rank sits on its node (node-local rank and counts), and what follows from it: the
// torch thread count of a worker and the cores it may run them on. (Its GPU: runner/run_executor.cpp,
// from gpu_for_worker in orchestrator/plan/gpu_mapping.h.)
#pragma once

#include <string>

#ifdef BOKEH_WITH_MPI
#include <mpi.h>
#endif

namespace bokeh::orchestrator {

struct NodeLayout {
  int local_rank = 0;          // this rank's index among the ranks on its node
  int local_ranks = 1;         // ranks on this node
  int local_workers = 1;       // of those, the ones that train (the coordinator does not)
  int local_worker_index = 0;  // this rank's index among the training ranks of its node
  unsigned cores = 1;          // hardware threads of the node
  std::string host;
};

#ifdef BOKEH_WITH_MPI
// Collective over `comm`: every rank must call it. `coordinator` is the rank that does not train
// (-1 when every rank trains, as in a single-process sweep).
NodeLayout node_layout(MPI_Comm comm, int coordinator);
#endif

// The same for a sweep started without mpirun (one process, no MPI): the only rank of its node.
NodeLayout single_process_layout();

// The torch thread count of a worker: `requested` when > 0, else cores / workers on the node (>= 1).
int worker_threads(const NodeLayout& layout, int requested);

// Lets this process run its `threads` torch threads on as many cores: when mpirun bound it to fewer
// (OpenMPI binds each rank to one core when there are at most 2 ranks, so `mpirun -n 2` would train
// a worker's 2 threads on 1 core), it widens the affinity to every core the node lets it use. A
// binding with enough cores (mpirun --map-by ...:pe=N) is kept. Returns the cores it may now use.
int make_room_for_threads(int threads);

}  // namespace bokeh::orchestrator
