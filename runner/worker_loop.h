// A worker rank's loop: READY, then train each ASSIGN (reporting EPOCH, then DONE or FAILED) until
// STOP. With training groups, the group's leader runs this exchange with the coordinator and
// forwards each ASSIGN and the STOP to its members, which train their shards and report nothing.
#pragma once

#include "orchestrator/mpi/mpi_channel.h"
#include "orchestrator/mpi/node_layout.h"
#include "orchestrator/mpi/rank_groups.h"

namespace bokeh::runner {

// Returns 0 after STOP; 2 (bad input) when the coordinator speaks another protocol version.
int run_worker(const orchestrator::MpiChannel& channel, const orchestrator::NodeLayout& layout,
               const orchestrator::RankGroups& groups);

}  // namespace bokeh::runner
