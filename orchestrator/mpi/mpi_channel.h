// The Channel of an MPI sweep: protocol messages point to point over an MPI communicator. Waiting
// never spins: it polls with MPI_Iprobe and sleeps between polls, so an idle coordinator or worker
// leaves its core to training.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <mpi.h>

#include "orchestrator/sweep/channel.h"

namespace bokeh::orchestrator {

// kAnySource receives from any rank (MPI_ANY_SOURCE).
class MpiChannel : public Channel {
 public:
  explicit MpiChannel(MPI_Comm comm) : comm_(comm) {}

  void send(int destination, const common::Message& message) const override;
  bool message_waiting(int source) const override;
  std::optional<ReceivedMessage> receive(int source, std::chrono::milliseconds timeout,
                                         const std::function<bool()>& give_up = {}) const override;

 private:
  MPI_Comm comm_;
};

}  // namespace bokeh::orchestrator
