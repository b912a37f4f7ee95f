// Ctrl-C / SIGTERM / SIGHUP / SIGUSR1 handling: the first signal asks the sweep to stop cleanly
// (checkpoints kept, store consistent). A second Ctrl-C falls back to the default action (the person
// at the terminal insists); repeats of the others are ignored, so that a batch system signalling every
// process of a job, or twice, stops it once. SIGHUP (a closed terminal or ssh session) is a SIGTERM.
// SIGUSR1 is the one OpenMPI's mpirun forwards to every rank while staying up itself, so that the
// job's exit status is the ranks' 130 (mpirun answers SIGINT and SIGTERM with its own status 1).
// SIGPIPE is ignored: writing to a closed pipe (`sweep ... | head -1`) fails with EPIPE instead of
// killing the process without a word.
#pragma once

namespace bokeh::orchestrator {

// Installs the handlers for SIGINT, SIGTERM, SIGHUP and SIGUSR1 and ignores SIGPIPE (idempotent).
void install_interrupt_handlers();

// True once one of them arrived (or request_interrupt() was called).
bool interrupt_requested();

// Asks for a stop as a signal would (used when the coordinator sends STOP mid-run).
void request_interrupt();

// While one lives, a stop signal ends the process at once with status 130 and one line, instead of
// asking for a stop at the next batch: for work that keeps nothing and is redone by the next start
// (data preparation, before the sweep is registered; what it half-wrote carries this pid and is
// removed by the next preparation).
class ExitOnInterrupt {
 public:
  ExitOnInterrupt();
  ~ExitOnInterrupt();
  ExitOnInterrupt(const ExitOnInterrupt&) = delete;
  ExitOnInterrupt& operator=(const ExitOnInterrupt&) = delete;
};

}  // namespace bokeh::orchestrator
