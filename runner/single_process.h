// The sweep without mpirun (or with one rank): this process sets the sweep up and trains its runs
// one after another, each in a child process (training_process.h), through the same bookkeeping the
// coordinator uses.
#pragma once

#include "orchestrator/mpi/node_layout.h"
#include "orchestrator/sweep/sweep_session.h"

namespace bokeh::runner {

// Returns the exit status (common/exit_codes.h).
int run_single_process(const orchestrator::SweepCommand& command, const orchestrator::NodeLayout& layout);

}  // namespace bokeh::runner
