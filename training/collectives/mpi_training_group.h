// A training group over an MPI communicator: the members' statuses travel with MPI_Allgather
// before every collective step, the tensors through a GradientReducer (NCCL for CUDA tensors when
// built with it, else MPI), chosen for the device of the run's tensors on first use.
#pragma once

#include <memory>
#include <string>

#include <mpi.h>

#include "training/collectives/gradient_reducer.h"
#include "training/training_group.h"

namespace bokeh::orchestrator {

class MpiTrainingGroup : public training::TrainingGroup {
 public:
  // `comm`: the group's communicator, rank 0 leading. `who` names this member in error messages
  // (e.g. "rank 3 on node7").
  MpiTrainingGroup(MPI_Comm comm, std::string who);

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void open() override { open_ = true; }
  void close() override { open_ = false; }
  bool check_in(bool stop_requested) override;
  void sum(std::vector<torch::Tensor>& tensors) override;
  void broadcast(std::vector<torch::Tensor>& tensors) override;
  void report_failure(const std::string& error) override;

  // The backend that carried the last tensors ("MPI" or "NCCL"; "" before any).
  const char* backend() const { return reducer_ ? reducer_->name() : ""; }

 private:
  enum Status : int { kFine = 0, kStop = 1, kFailed = 2 };
  struct Agreement {
    bool stop = false;
    std::vector<int> failed;  // members that reported a failure
  };
  // The status exchange that opens every collective step; closes the steps on a stop or failure.
  Agreement agree(Status mine);
  // For a step that goes on only when nobody failed: throws as TrainingGroup::check_in says.
  bool proceed(Status mine);
  // The leader's side of a failure: the failed members' errors (other than its own), received.
  std::string collect_errors(const std::vector<int>& failed);
  GradientReducer& reducer(const torch::Tensor& sample);

  MPI_Comm comm_;
  std::string who_;
  int rank_ = 0, size_ = 1;
  bool open_ = false;
  std::unique_ptr<GradientReducer> reducer_;
  torch::Device reducer_device_{torch::kCPU};
};

}  // namespace bokeh::orchestrator
