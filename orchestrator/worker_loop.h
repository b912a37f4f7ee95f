// A worker rank's loop: READY, then train each ASSIGN (reporting EPOCH, then DONE or FAILED) until STOP.
#pragma once

#include "orchestrator/mpi_channel.h"
#include "orchestrator/node_layout.h"

namespace bokeh::orchestrator {

// Returns 0 after STOP.
int run_worker(const MpiChannel& channel, const NodeLayout& layout);

}  // namespace bokeh::orchestrator
