// Ctrl-C / SIGTERM handling: the first signal asks the sweep to stop cleanly (checkpoints kept,
// store consistent); a second one of the same kind falls back to the default action.
#pragma once

namespace bokeh::orchestrator {

// Installs the handlers for SIGINT and SIGTERM (idempotent).
void install_interrupt_handlers();

// True once SIGINT or SIGTERM arrived (or request_interrupt() was called).
bool interrupt_requested();

// Asks for a stop as a signal would (used when the coordinator sends STOP mid-run).
void request_interrupt();

// The signal that arrived (SIGINT or SIGTERM), 0 if none or requested programmatically.
int interrupt_signal();

}  // namespace bokeh::orchestrator
