// The ranks that train one run together (data parallelism), as the trainer sees them: who leads,
// which part of each batch a member takes, and the collective steps that keep the members' models
// equal. The transports (MPI, NCCL) live in orchestrator/; the trainer knows neither.
//
// Every collective step first exchanges each member's status (fine, wants to stop, failed), so a
// member that fails anywhere — even before its first step — meets the others at whatever step they
// are in: report_failure() is itself such a step. Failures and stops are therefore seen by all
// members at the same step, and only the leader reports them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace bokeh::training {

// Thrown on a member that is not the leader when another member failed; the leader reports the error.
class GroupMemberFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TrainingGroup {
 public:
  virtual ~TrainingGroup() = default;
  virtual int rank() const = 0;  // 0 is the leader: it reports epochs, writes checkpoints and tests
  virtual int size() const = 0;
  bool leader() const { return rank() == 0; }

  // A run starts: the group's collective steps are open until close() or an agreed stop/failure.
  virtual void open() = 0;
  // No collective steps follow in this run; report_failure() is then a no-op (the failure is the
  // caller's alone). Every member calls it at the same point.
  virtual void close() = 0;

  // A collective step that carries only the status: true when any member asked to stop (the run's
  // steps are then closed). If a member failed, the leader throws std::runtime_error carrying that
  // member's error and the others throw GroupMemberFailed.
  virtual bool check_in(bool stop_requested) = 0;
  // In place: every tensor (float or double, on the training device) becomes its sum over the group.
  virtual void sum(std::vector<torch::Tensor>& tensors) = 0;
  // In place: every tensor becomes the leader's.
  virtual void broadcast(std::vector<torch::Tensor>& tensors) = 0;
  // This member failed with `error`: meets the others at their current step so that they stop too.
  virtual void report_failure(const std::string& error) = 0;
};

// The part [begin, end) of `n` items that member `rank` of `size` takes: contiguous, in rank order,
// sizes differing by at most one (so a member may get none when n < size).
struct Shard {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};
Shard shard_of(int64_t n, int rank, int size);

}  // namespace bokeh::training
