// The worker side of the protocol (see protocol.h), for a rank alone, a group's leader, or a
// group's member.
#include "runner/worker_loop.h"
#include "orchestrator/mpi/mpi_check.h"

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "common/exit_codes.h"
#include "orchestrator/sweep/interrupt.h"
#include "training/collectives/mpi_training_group.h"
#include "runner/run_executor.h"
#include "runner/training_process.h"

namespace bokeh::runner {

namespace {
constexpr int kCoordinator = 0;
constexpr int kGroupLeader = 0;
constexpr auto kWaitSlice = std::chrono::milliseconds(500);

// The group's members, from the leader's side (none when the rank trains alone).
void forward_to_members(const orchestrator::MpiTrainingGroup* group, const orchestrator::MpiChannel& group_channel,
                        const common::Message& message) {
  if (!group) return;
  for (int member = 1; member < group->size(); ++member) group_channel.send(member, message);
}

// Alone, a rank trains each run in a child process (training_process.h): a crash fails the run, not
// the rank. A group's leader trains in-process, as its members do: they exchange gradients over MPI.
void train(const orchestrator::MpiChannel& channel, RunExecutor& executor, TrainingProcess& trainer,
           const common::AssignMessage& assign, const std::shared_ptr<orchestrator::MpiTrainingGroup>& group) {
  RunReports reports;
  // A STOP waiting from the coordinator, or a signal here, ends the run at the next batch.
  reports.stop_requested = [&] { return orchestrator::interrupt_requested() || channel.message_waiting(kCoordinator); };
  reports.on_epoch = [&](const common::EpochMessage& m) { channel.send(kCoordinator, m); };
  reports.on_notice = [&](const common::NoticeMessage& m) { channel.send(kCoordinator, m); };
  try {
    common::TrainResult result = group ? executor.execute(assign, reports, group) : trainer.train(assign, reports);
    channel.send(kCoordinator, common::DoneMessage{assign.run_key, std::move(result)});
  } catch (const training::TrainingInterrupted& e) {
    channel.send(kCoordinator, common::FailedMessage{assign.run_key, e.what(), true});
  } catch (const std::exception& e) {
    if (group) group->report_failure(e.what());
    channel.send(kCoordinator, common::FailedMessage{assign.run_key, e.what(), false});
  }
}

// A member trains its shards; the leader reports for the group, a failure here included.
void train_as_member(RunExecutor& executor, const common::AssignMessage& assign,
                     const std::shared_ptr<orchestrator::MpiTrainingGroup>& group) {
  try {
    RunReports reports;
    reports.stop_requested = orchestrator::interrupt_requested;
    executor.execute(assign, reports, group);
  } catch (const training::TrainingInterrupted&) {  // agreed by the group; the leader reports it
  } catch (const training::GroupMemberFailed&) {    // another member failed; the leader reports it
  } catch (const std::exception& e) {
    group->report_failure(e.what());
  }
}

int run_member(RunExecutor& executor, const std::shared_ptr<orchestrator::MpiTrainingGroup>& group,
               const orchestrator::MpiChannel& group_channel) {
  for (;;) {
    try {
      std::optional<orchestrator::ReceivedMessage> received = group_channel.receive(kGroupLeader, kWaitSlice);
      if (!received) continue;
      if (std::holds_alternative<common::StopMessage>(received->message)) return 0;
      if (const auto* assign = std::get_if<common::AssignMessage>(&received->message))
        train_as_member(executor, *assign, group);
    } catch (const common::ProtocolVersionError& e) {
      std::cerr << "sweep worker: " << e.what() << "\n";
      return common::kExitBadInput;
    } catch (const common::ProtocolError& e) {
      std::cerr << "sweep worker: " << e.what() << "\n";
    }
  }
}

std::shared_ptr<orchestrator::MpiTrainingGroup> join_group(const orchestrator::RankGroups& groups,
                                                           const orchestrator::NodeLayout& layout) {
  if (groups.comm == MPI_COMM_NULL) return nullptr;
  int rank = 0;
  orchestrator::mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  return std::make_shared<orchestrator::MpiTrainingGroup>(groups.comm, fmt::format("rank {} on {}", rank, layout.host));
}
}  // namespace

int run_worker(const orchestrator::MpiChannel& channel, const orchestrator::NodeLayout& layout,
               const orchestrator::RankGroups& groups) {
  RunExecutor executor(layout);
  TrainingProcess trainer(layout);
  const std::shared_ptr<orchestrator::MpiTrainingGroup> group = join_group(groups, layout);
  const orchestrator::MpiChannel group_channel(groups.comm);
  if (group && !group->leader()) return run_member(executor, group, group_channel);

  const std::string device = torch::cuda::is_available() ? "cuda" : "cpu";
  channel.send(kCoordinator, common::ReadyMessage{layout.host, orchestrator::worker_threads(layout, 0), device});
  for (;;) {
    try {
      std::optional<orchestrator::ReceivedMessage> received = channel.receive(kCoordinator, kWaitSlice);
      if (!received) continue;
      if (std::holds_alternative<common::StopMessage>(received->message)) {
        forward_to_members(group.get(), group_channel, received->message);
        return 0;
      }
      if (const auto* assign = std::get_if<common::AssignMessage>(&received->message)) {
        forward_to_members(group.get(), group_channel, *assign);
        train(channel, executor, trainer, *assign, group);
      } else {
        std::cerr << "sweep worker: ignoring an unexpected "
                  << common::message_type_name(common::message_tag(received->message)) << " from the coordinator\n";
      }
    } catch (const common::ProtocolVersionError& e) {
      // A coordinator of another build: no message of it can be read, its STOP included. Leave (with
      // the members), so that the ranks meet at the end and exit 2 instead of waiting for ever.
      std::cerr << "sweep worker: " << e.what() << "\n";
      forward_to_members(group.get(), group_channel, common::StopMessage{});
      return common::kExitBadInput;
    } catch (const common::ProtocolError& e) {
      std::cerr << "sweep worker: " << e.what() << "\n";
    }
  }
}

}  // namespace bokeh::runner
