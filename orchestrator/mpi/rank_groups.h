// The worker ranks of an MPI sweep partitioned into fixed training groups of `ranks_per_run`
// consecutive ranks (resources.ranks_per_run), one communicator per group, made once at start.
// The coordinator talks only to each group's leader, its lowest rank.
#pragma once

#include <string>
#include <vector>

#ifdef BOKEH_WITH_MPI
#include <mpi.h>
#endif

namespace bokeh::orchestrator {

#ifdef BOKEH_WITH_MPI
struct RankGroups {
  int ranks_per_run = 1;
  std::vector<int> leaders;       // world ranks the coordinator hands runs to
  MPI_Comm comm = MPI_COMM_NULL;  // this rank's group; MPI_COMM_NULL on the coordinator or when ranks_per_run is 1
};
#endif

// "" when `world_size` ranks (one of them the coordinator) can form groups of `ranks_per_run`;
// else the reason, for one line on stderr.
std::string group_layout_error(int world_size, int ranks_per_run);

#ifdef BOKEH_WITH_MPI
// Collective over `world`; rank 0 is the coordinator. The layout must be valid (group_layout_error).
RankGroups split_into_groups(MPI_Comm world, int ranks_per_run);
#endif

}  // namespace bokeh::orchestrator
