// The status exchange and failure relay of a training group over MPI.
#include "training/collectives/mpi_training_group.h"
#include "orchestrator/mpi/mpi_check.h"

#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

namespace bokeh::orchestrator {

namespace {
// The tag of a failed member's error text, sent to the leader after the status exchange (the
// protocol's tags are 1-6).
constexpr int kFailureTag = 100;
}  // namespace

MpiTrainingGroup::MpiTrainingGroup(MPI_Comm comm, std::string who) : comm_(comm), who_(std::move(who)) {
  mpi_check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

MpiTrainingGroup::Agreement MpiTrainingGroup::agree(Status mine) {
  if (!open_) throw std::logic_error("training group: a collective step after the run's steps were closed");
  std::vector<int> statuses(static_cast<size_t>(size_));
  const int status = mine;
  mpi_check(MPI_Allgather(&status, 1, MPI_INT, statuses.data(), 1, MPI_INT, comm_), "MPI_Allgather");
  Agreement agreement;
  for (int member = 0; member < size_; ++member) {
    if (statuses[static_cast<size_t>(member)] == kFailed) agreement.failed.push_back(member);
    if (statuses[static_cast<size_t>(member)] == kStop) agreement.stop = true;
  }
  if (agreement.stop || !agreement.failed.empty()) open_ = false;
  return agreement;
}

std::string MpiTrainingGroup::collect_errors(const std::vector<int>& failed) {
  std::string errors;
  for (int member : failed) {
    if (member == rank_) continue;
    MPI_Status status;
    mpi_check(MPI_Probe(member, kFailureTag, comm_, &status), "MPI_Probe");
    int length = 0;
    mpi_check(MPI_Get_count(&status, MPI_CHAR, &length), "MPI_Get_count");
    std::string text(static_cast<size_t>(length), '\0');
    mpi_check(MPI_Recv(text.data(), length, MPI_CHAR, member, kFailureTag, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
    errors += (errors.empty() ? "" : "; ") + text;
  }
  return errors;
}

bool MpiTrainingGroup::proceed(Status mine) {
  const Agreement agreement = agree(mine);
  if (agreement.failed.empty()) return agreement.stop;
  if (leader()) throw std::runtime_error("group member " + collect_errors(agreement.failed));
  throw training::GroupMemberFailed(fmt::format("member {} of this rank's training group failed", agreement.failed[0]));
}

bool MpiTrainingGroup::check_in(bool stop_requested) { return proceed(stop_requested ? kStop : kFine); }

GradientReducer& MpiTrainingGroup::reducer(const torch::Tensor& sample) {
  if (!reducer_ || reducer_device_ != sample.device()) {
    reducer_device_ = sample.device();
    reducer_ = make_gradient_reducer(comm_, reducer_device_);
  }
  return *reducer_;
}

void MpiTrainingGroup::sum(std::vector<torch::Tensor>& tensors) {
  proceed(kFine);
  if (!tensors.empty()) reducer(tensors[0]).sum(tensors);
}

void MpiTrainingGroup::broadcast(std::vector<torch::Tensor>& tensors) {
  proceed(kFine);
  if (!tensors.empty()) reducer(tensors[0]).broadcast(tensors, 0);
}

void MpiTrainingGroup::report_failure(const std::string& error) {
  if (!open_) return;  // the others already left this run's steps (or agreed on this failure)
  const Agreement agreement = agree(kFailed);
  if (!leader()) {
    const std::string text = fmt::format("{}: {}", who_, error);
    mpi_check(MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kFailureTag, comm_), "MPI_Send");
    return;
  }
  const std::string others = collect_errors(agreement.failed);  // the leader reports its own error
  if (!others.empty()) std::cerr << "sweep: group member " << others << "\n";
}

}  // namespace bokeh::orchestrator
