// Ctrl-C / SIGTERM / SIGUSR1 handling: the first signal asks the sweep to stop cleanly (checkpoints
// kept, store consistent); a second one of the same kind falls back to the default action. SIGUSR1
// is the one OpenMPI's mpirun forwards to every rank while staying up itself, so that the job's exit
// status is the ranks' 130 (mpirun answers SIGINT and SIGTERM with its own status 1).
#pragma once

namespace bokeh::orchestrator {

// Installs the handlers for SIGINT, SIGTERM and SIGUSR1 (idempotent).
void install_interrupt_handlers();

// True once one of them arrived (or request_interrupt() was called).
bool interrupt_requested();

// Asks for a stop as a signal would (used when the coordinator sends STOP mid-run).
void request_interrupt();

// The signal that arrived, 0 if none or requested programmatically.
int interrupt_signal();

}  // namespace bokeh::orchestrator
