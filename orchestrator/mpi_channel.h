// Point-to-point transport of protocol messages over MPI. Waiting never spins: it polls with
// MPI_Iprobe and sleeps between polls, so an idle coordinator or worker leaves its core to training.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <mpi.h>

#include "orchestrator/protocol.h"

namespace bokeh::orchestrator {

struct ReceivedMessage {
  int source = -1;
  Message message;
};

class MpiChannel {
 public:
  explicit MpiChannel(MPI_Comm comm) : comm_(comm) {}

  void send(int destination, const Message& message) const;

  // True when a message from `source` (or MPI_ANY_SOURCE) is waiting.
  bool message_waiting(int source) const;

  // Waits for the next message from `source` until `timeout` passes or `give_up()` turns true
  // (then nullopt). A malformed message is consumed and throws ProtocolError naming its sender.
  std::optional<ReceivedMessage> receive(int source, std::chrono::milliseconds timeout,
                                         const std::function<bool()>& give_up = {}) const;

 private:
  MPI_Comm comm_;
};

}  // namespace bokeh::orchestrator
