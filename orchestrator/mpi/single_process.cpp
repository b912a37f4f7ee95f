// The single-process sweep loop: next assignment, train it here, book the outcome.
#include "orchestrator/mpi/single_process.h"

#include <iostream>
#include <memory>

#include "orchestrator/interrupt.h"
#include "orchestrator/mpi/run_executor.h"
#include "orchestrator/mpi/sweep_data.h"

namespace bokeh::orchestrator {

int run_single_process(const SweepCommand& command, const NodeLayout& layout) {
  std::unique_ptr<SweepSession> session;
  try {
    session = std::make_unique<SweepSession>(command, prepare_sweep_data);
  } catch (const std::exception& e) {
    std::cerr << "sweep: " << e.what() << "\n";
    return kExitBadInput;
  }
  RunExecutor executor(layout);
  SweepBook& book = session->book();
  while (!interrupt_requested()) {
    std::optional<AssignMessage> assign = book.next_assignment();
    if (!assign) break;
    try {
      auto on_epoch = [&](const worker::EpochFigures& f) { book.on_epoch(EpochMessage{assign->run_key, f}); };
      book.on_done(DoneMessage{assign->run_key, executor.execute(*assign, on_epoch, interrupt_requested)});
    } catch (const worker::TrainingInterrupted& e) {
      book.on_failed(FailedMessage{assign->run_key, e.what(), true});
    } catch (const std::exception& e) {
      book.on_failed(FailedMessage{assign->run_key, e.what(), false});
    }
  }
  return session->finish(interrupt_requested());
}

}  // namespace bokeh::orchestrator
