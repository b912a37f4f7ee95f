// Async-signal-safe stop flag for SIGINT, SIGTERM and SIGUSR1.
#include "orchestrator/interrupt.h"

#include <atomic>
#include <csignal>

namespace bokeh::orchestrator {

namespace {
std::atomic<bool> g_requested{false};
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int signal) {
  g_signal = signal;
  g_requested.store(true);
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends the process at once
}
}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGUSR1, on_signal);
}

bool interrupt_requested() { return g_requested.load(); }

void request_interrupt() { g_requested.store(true); }

int interrupt_signal() { return g_signal; }

}  // namespace bokeh::orchestrator
