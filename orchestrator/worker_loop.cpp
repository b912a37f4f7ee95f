// The worker side of the protocol (see protocol.h).
#include "orchestrator/worker_loop.h"

#include <iostream>

#include "orchestrator/interrupt.h"
#include "orchestrator/run_executor.h"

namespace bokeh::orchestrator {

namespace {
constexpr int kCoordinator = 0;
constexpr auto kWaitSlice = std::chrono::milliseconds(500);

void train(const MpiChannel& channel, RunExecutor& executor, const AssignMessage& assign) {
  // A STOP waiting from the coordinator, or a signal here, ends the run at the next batch.
  auto stop_requested = [&] { return interrupt_requested() || channel.message_waiting(kCoordinator); };
  auto on_epoch = [&](const worker::EpochFigures& f) { channel.send(kCoordinator, EpochMessage{assign.run_key, f}); };
  try {
    worker::TrainResult result = executor.execute(assign, on_epoch, stop_requested);
    channel.send(kCoordinator, DoneMessage{assign.run_key, std::move(result)});
  } catch (const worker::TrainingInterrupted& e) {
    channel.send(kCoordinator, FailedMessage{assign.run_key, e.what(), true});
  } catch (const std::exception& e) {
    channel.send(kCoordinator, FailedMessage{assign.run_key, e.what(), false});
  }
}
}  // namespace

int run_worker(const MpiChannel& channel, const NodeLayout& layout) {
  RunExecutor executor(layout);
  const std::string device = torch::cuda::is_available() ? "cuda" : "cpu";
  channel.send(kCoordinator, ReadyMessage{layout.host, worker_threads(layout, 0), device});
  for (;;) {
    try {
      std::optional<ReceivedMessage> received = channel.receive(kCoordinator, kWaitSlice);
      if (!received) continue;
      if (std::holds_alternative<StopMessage>(received->message)) return 0;
      if (const auto* assign = std::get_if<AssignMessage>(&received->message)) {
        train(channel, executor, *assign);
      } else {
        std::cerr << "sweep worker: ignoring an unexpected "
                  << message_type_name(message_tag(received->message)) << " from the coordinator\n";
      }
    } catch (const ProtocolError& e) {
      std::cerr << "sweep worker: " << e.what() << "\n";
    }
  }
}

}  // namespace bokeh::orchestrator
