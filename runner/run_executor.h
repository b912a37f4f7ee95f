// Trains one assigned run in this process: the worker side of an ASSIGN, shared by MPI workers and
// the single-process sweep. Keeps the prepared data and the LPIPS net open across runs that share them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/protocol.h"
#include "orchestrator/mpi/node_layout.h"
#include "runner/run_reports.h"
#include "training/data/prepared_data.h"
#include "training/lpips.h"
#include "training/trainer.h"

namespace bokeh::runner {

class RunExecutor {
 public:
  explicit RunExecutor(orchestrator::NodeLayout layout) : layout_(std::move(layout)) {}

  // Sets the thread count and device the assignment asks for, then trains (resuming from the
  // checkpoint when asked; only up to assign.until_epoch when it is set), with `group` when several
  // ranks train the run together (its steps are opened first, so that a failure anywhere here reaches
  // the other members). Throws what the trainer throws (TrainingInterrupted on a stop).
  //
  // Testing aid: a process whose environment has BOKEH_FAIL_RUN=<run name> fails that run on purpose
  // before training it, as a member that cannot read its data would (tests/integration use it);
  // BOKEH_STALL_RUN=<run name> makes that run hang before batch 2 of epoch 1 with every signal
  // blocked, as a process stuck in a kernel call would (the watchdog's and the stop's tests use it).
  common::TrainResult execute(const common::AssignMessage& assign, const RunReports& reports,
                              const std::shared_ptr<training::TrainingGroup>& group = nullptr);

 private:
  const training::PreparedData& data(const std::string& file);
  training::Lpips lpips(const std::string& file);

  orchestrator::NodeLayout layout_;
  std::string data_file_;
  std::shared_ptr<const training::PreparedData> data_;
  std::string lpips_file_;
  training::Lpips lpips_{nullptr};
};

}  // namespace bokeh::runner
