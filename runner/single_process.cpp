// The single-process sweep loop: next assignment, train it in a child process, book the outcome.
#include "runner/single_process.h"

#include <iostream>
#include <memory>

#include "orchestrator/sweep/interrupt.h"
#include "runner/sweep_data.h"
#include "runner/training_process.h"

namespace bokeh::runner {

int run_single_process(const orchestrator::SweepCommand& command, const orchestrator::NodeLayout& layout) {
  std::unique_ptr<orchestrator::SweepSession> session;
  try {
    session = std::make_unique<orchestrator::SweepSession>(command, prepare_sweep_data);
  } catch (const std::exception& e) {
    std::cerr << "sweep: " << e.what() << "\n";
    return common::kExitBadInput;
  }
  orchestrator::SweepBook& book = session->book();
  TrainingProcess trainer(layout);
  RunReports reports;
  reports.on_epoch = [&](const common::EpochMessage& m) { book.on_epoch(m); };
  reports.on_notice = [&](const common::NoticeMessage& m) { book.on_notice(m); };
  reports.stop_requested = orchestrator::interrupt_requested;
  while (!orchestrator::interrupt_requested()) {
    std::optional<common::AssignMessage> assign = book.next_assignment();
    if (!assign) break;
    try {  // in a child process, as on an MPI worker: a crash fails the run, not the sweep
      book.on_done(common::DoneMessage{assign->run_key, trainer.train(*assign, reports)});
    } catch (const training::TrainingInterrupted& e) {
      book.on_failed(common::FailedMessage{assign->run_key, e.what(), true});
    } catch (const std::exception& e) {
      book.on_failed(common::FailedMessage{assign->run_key, e.what(), false});
    }
  }
  return session->finish(orchestrator::interrupt_requested());
}

}  // namespace bokeh::runner
