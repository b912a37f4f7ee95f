// Node-local rank counting with MPI_Comm_split_type, thread and device choice per worker.
#include "orchestrator/mpi/node_layout.h"
#ifdef BOKEH_WITH_MPI
#include "orchestrator/mpi/mpi_check.h"
#endif

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <sched.h>
#include <unistd.h>

namespace bokeh::orchestrator {

#ifdef BOKEH_WITH_MPI
NodeLayout node_layout(MPI_Comm comm, int coordinator) {
  int rank = 0;
  mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  MPI_Comm node;
  mpi_check(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  NodeLayout layout;
  mpi_check(MPI_Comm_rank(node, &layout.local_rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(node, &layout.local_ranks), "MPI_Comm_size");
  const int trains = rank == coordinator ? 0 : 1;
  mpi_check(MPI_Allreduce(&trains, &layout.local_workers, 1, MPI_INT, MPI_SUM, node), "MPI_Allreduce");
  int before = 0;  // training ranks on this node with a lower local rank (undefined on local rank 0)
  mpi_check(MPI_Exscan(&trains, &before, 1, MPI_INT, MPI_SUM, node), "MPI_Exscan");
  layout.local_worker_index = layout.local_rank == 0 ? 0 : before;
  mpi_check(MPI_Comm_free(&node), "MPI_Comm_free");
  const NodeLayout alone = single_process_layout();
  layout.cores = alone.cores;
  layout.host = alone.host;
  return layout;
}
#endif

NodeLayout single_process_layout() {
  NodeLayout layout;
  layout.cores = std::max(1u, std::thread::hardware_concurrency());
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  layout.host = host;
  return layout;
}

int worker_threads(const NodeLayout& layout, int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(layout.cores) / std::max(1, layout.local_workers));
}

int make_room_for_threads(int threads) {
  cpu_set_t bound;
  CPU_ZERO(&bound);
  if (sched_getaffinity(0, sizeof bound, &bound) != 0) return threads;
  if (CPU_COUNT(&bound) >= threads) return CPU_COUNT(&bound);
  cpu_set_t every;
  CPU_ZERO(&every);
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  for (long cpu = 0; cpu < online && cpu < CPU_SETSIZE; ++cpu) CPU_SET(static_cast<int>(cpu), &every);
  // The kernel keeps only the cores of this job's cpuset (a batch system's allocation). The calling
  // thread's affinity, inherited by the threads it starts: call it before torch starts its pool.
  if (sched_setaffinity(0, sizeof every, &every) != 0) return CPU_COUNT(&bound);
  CPU_ZERO(&bound);
  sched_getaffinity(0, sizeof bound, &bound);
  return CPU_COUNT(&bound);
}

}  // namespace bokeh::orchestrator
