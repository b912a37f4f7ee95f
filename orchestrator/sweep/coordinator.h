// The coordinator's loop (rank 0 of an MPI sweep): hands runs to the worker ranks that ask, over
// an abstract Channel, and writes what they report through the sweep's bookkeeping. No MPI here:
// a sweep passes the MPI channel, unit tests an in-memory one.
#pragma once

#include <vector>

#include "orchestrator/sweep/channel.h"
#include "orchestrator/sweep/sweep_session.h"

namespace bokeh::orchestrator {

// Sets the sweep up (spec, store, data through `prepare`), then hands runs to the ranks in
// `workers` (the group leaders) until none is left or a stop is asked for. Returns the exit status;
// every worker has been sent STOP.
int run_coordinator(const SweepCommand& command, const DataPreparer& prepare, const Channel& channel,
                    const std::vector<int>& workers);

}  // namespace bokeh::orchestrator
