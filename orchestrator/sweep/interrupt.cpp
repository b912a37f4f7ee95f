// Async-signal-safe stop flag for SIGINT, SIGTERM, SIGHUP and SIGUSR1; SIGPIPE ignored.
#include "orchestrator/sweep/interrupt.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace bokeh::orchestrator {

namespace {
std::atomic<bool> g_requested{false};

std::atomic<bool> g_exit_at_once{false};

extern "C" void on_signal(int signal) {
  if (g_exit_at_once.load()) {  // nothing to keep yet: end now (async-signal-safe calls only)
    static const char line[] =
        "sweep: interrupted while preparing the data; nothing was registered: the same command "
        "prepares it again\n";
    (void)!::write(STDERR_FILENO, line, sizeof line - 1);
    ::_exit(128 + SIGINT);
  }
  const bool first = !g_requested.exchange(true);
  // A second Ctrl-C (a person at the terminal) ends the process at once; repeated SIGTERM, SIGHUP or
  // SIGUSR1 (Slurm's `scancel --signal`, mpirun forwarding, a time limit's warning) change nothing:
  // the stop already under way goes on, and the batch system's own SIGKILL ends a stop that hangs.
  if (signal == SIGINT && !first) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

void handle(int signal) {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(signal, &action, nullptr);
}
}  // namespace

void install_interrupt_handlers() {
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) handle(signal);
  std::signal(SIGPIPE, SIG_IGN);  // a closed output is a write error (EPIPE), said in one line, not a silent death
}

bool interrupt_requested() { return g_requested.load(); }

void request_interrupt() { g_requested.store(true); }

ExitOnInterrupt::ExitOnInterrupt() { g_exit_at_once.store(true); }
ExitOnInterrupt::~ExitOnInterrupt() { g_exit_at_once.store(false); }

}  // namespace bokeh::orchestrator
