// Partitioning the worker ranks into training groups with MPI_Comm_split.
#include "orchestrator/mpi/rank_groups.h"
#ifdef BOKEH_WITH_MPI
#include "orchestrator/mpi/mpi_check.h"
#endif

#include <fmt/format.h>

namespace bokeh::orchestrator {

std::string group_layout_error(int world_size, int ranks_per_run) {
  if (ranks_per_run <= 1) return "";
  const int workers = world_size - 1;
  if (world_size == 1 || workers % ranks_per_run != 0)
    return fmt::format(
        "resources.ranks_per_run is {} but this sweep has {} training rank{}: start it under mpirun "
        "with 1 + a multiple of {} ranks (e.g. mpirun -n {})",
        ranks_per_run, world_size == 1 ? 1 : workers, workers == 1 || world_size == 1 ? "" : "s", ranks_per_run,
        1 + ranks_per_run);
  return "";
}

#ifdef BOKEH_WITH_MPI
RankGroups split_into_groups(MPI_Comm world, int ranks_per_run) {
  int rank = 0, size = 1;
  mpi_check(MPI_Comm_rank(world, &rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(world, &size), "MPI_Comm_size");
  RankGroups groups;
  groups.ranks_per_run = ranks_per_run;
  for (int leader = 1; leader < size; leader += ranks_per_run) groups.leaders.push_back(leader);
  if (ranks_per_run > 1) {
    const int color = rank == 0 ? MPI_UNDEFINED : (rank - 1) / ranks_per_run;
    mpi_check(MPI_Comm_split(world, color, rank, &groups.comm), "MPI_Comm_split");
  }
  return groups;
}
#endif

}  // namespace bokeh::orchestrator
