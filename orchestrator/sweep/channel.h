// The transport the coordinator's loop talks through, abstract so that the loop runs over MPI
// (orchestrator/mpi/mpi_channel.h) in a sweep and over an in-memory fake in unit tests.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "common/protocol.h"

namespace bokeh::orchestrator {

// receive() from any sender (MPI_ANY_SOURCE's meaning; the MPI channel maps it).
inline constexpr int kAnySource = -1;

struct ReceivedMessage {
  int source = -1;
  common::Message message;
};

class Channel {
 public:
  virtual ~Channel() = default;

  virtual void send(int destination, const common::Message& message) const = 0;

  // True when a message from `source` (or kAnySource) is waiting.
  virtual bool message_waiting(int source) const = 0;

  // Waits for the next message from `source` (or kAnySource) until `timeout` passes or `give_up()`
  // turns true (then nullopt), without spinning. A malformed message is consumed and throws
  // ProtocolError naming its sender.
  virtual std::optional<ReceivedMessage> receive(int source, std::chrono::milliseconds timeout,
                                                 const std::function<bool()>& give_up = {}) const = 0;
};

}  // namespace bokeh::orchestrator
