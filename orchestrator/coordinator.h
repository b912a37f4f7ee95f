// The two loops of a sweep start: the MPI coordinator (rank 0, hands runs to worker ranks that
// ask) and the single-process sweep (no mpirun, or one rank: trains the runs itself in turn).
#pragma once

#include <vector>

#include "orchestrator/mpi_channel.h"
#include "orchestrator/node_layout.h"
#include "orchestrator/sweep_session.h"

namespace bokeh::orchestrator {

// Rank 0: hands runs to the ranks in `workers` (the group leaders). Returns the exit status; every
// worker has been sent STOP.
int run_coordinator(const SweepCommand& command, const MpiChannel& channel, const std::vector<int>& workers);

// The whole sweep in this process.
int run_single_process(const SweepCommand& command, const NodeLayout& layout);

}  // namespace bokeh::orchestrator
