// The single-process sweep loop: next assignment, train it in a child process, book the outcome.
#include "orchestrator/mpi/single_process.h"

#include <iostream>
#include <memory>

#include "orchestrator/interrupt.h"
#include "orchestrator/mpi/training_process.h"
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
  SweepBook& book = session->book();
  TrainingProcess trainer(layout);
  RunReports reports;
  reports.on_epoch = [&](const EpochMessage& m) { book.on_epoch(m); };
  reports.on_notice = [&](const NoticeMessage& m) { book.on_notice(m); };
  reports.stop_requested = interrupt_requested;
  while (!interrupt_requested()) {
    std::optional<AssignMessage> assign = book.next_assignment();
    if (!assign) break;
    try {  // in a child process, as on an MPI worker: a crash fails the run, not the sweep
      book.on_done(DoneMessage{assign->run_key, trainer.train(*assign, reports)});
    } catch (const worker::TrainingInterrupted& e) {
      book.on_failed(FailedMessage{assign->run_key, e.what(), true});
    } catch (const std::exception& e) {
      book.on_failed(FailedMessage{assign->run_key, e.what(), false});
    }
  }
  return session->finish(interrupt_requested());
}

}  // namespace bokeh::orchestrator
