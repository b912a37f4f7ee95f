// Crash isolation: a worker trains its runs in a child process, this same executable started again
// with `--train-one` (posix_spawn, i.e. fork + exec: the child starts clean, without MPI, without the
// parent's threads or CUDA context). The two talk over pipes in the protocol's messages: the parent
// writes an ASSIGN, the child answers EPOCH / NOTICE ... DONE or FAILED. A child that dies (a signal,
// an abort, the kernel's OOM killer, a CUDA error that poisons its context) fails only that run,
// with an error naming how it died; the worker rank lives on and takes the next run. A child that
// finished a run takes the next one (its start, libtorch's, costs about a second); after a failure
// or a death the next run gets a new child, so nothing a failed run left behind is inherited.
//
// The child trains exactly as the rank would (same RunExecutor, same thread count and device), so
// results and resumes are bit-identical to in-process training. A stop asked of the parent reaches
// the child as SIGUSR1, which it answers, at its next batch, with FAILED(interrupted); a child that
// has not ended kStopGraceSeconds later (stuck in a kernel call, an allocator's retry loop) is killed.
//
// Watchdog: the child reports PROGRESS before every batch; one silent for the assignment's
// stall_seconds (resources.stall_minutes) is killed, and its run fails this attempt with one line,
// "no progress for 30 min in epoch 3, batch 7; killed". The rank goes on with its next run.
#pragma once

#include <memory>

#include "common/protocol.h"
#include "orchestrator/mpi/node_layout.h"
#include "runner/run_reports.h"

namespace bokeh::runner {

// The flag that makes `sweep` the child: `sweep --train-one LOCAL_WORKER_INDEX LOCAL_WORKERS CORES HOST`.
inline constexpr const char* kTrainOneFlag = "--train-one";

// How long a child has to answer a stop before it is killed.
inline constexpr double kStopGraceSeconds = 10;

class TrainingChild;

// Parent side: the child of one worker (or of a sweep without mpirun), started when a run needs it.
class TrainingProcess {
 public:
  explicit TrainingProcess(orchestrator::NodeLayout layout);
  ~TrainingProcess();  // an idle child ends with its input; a busy one is killed

  // Trains `assign` in the child, relaying its reports. Returns its result; throws
  // training::TrainingInterrupted when it stopped on request, std::runtime_error when it failed or died.
  common::TrainResult train(const common::AssignMessage& assign, const RunReports& reports);

 private:
  orchestrator::NodeLayout layout_;
  std::unique_ptr<TrainingChild> child_;  // alive and idle between runs, or none
};

// TrainingChild side: the whole of `sweep --train-one ...` (argv as main gets it). Returns the exit status.
int train_one_main(int argc, char** argv);

}  // namespace bokeh::runner
