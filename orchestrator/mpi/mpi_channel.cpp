// MPI send and non-spinning receive of protocol messages.
#include "orchestrator/mpi/mpi_channel.h"
#include "orchestrator/mpi/mpi_check.h"

#include <thread>

namespace bokeh::orchestrator {

namespace {
// Between polls: short enough that an epoch message is handled at once, long enough to cost ~0% CPU.
constexpr auto kPollInterval = std::chrono::milliseconds(2);

int mpi_source(int source) { return source == kAnySource ? MPI_ANY_SOURCE : source; }
}  // namespace

void MpiChannel::send(int destination, const common::Message& message) const {
  const std::string bytes = common::encode_message(message);
  mpi_check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_CHAR, destination, common::message_tag(message),
                     comm_),
            "MPI_Send");
}

bool MpiChannel::message_waiting(int source) const {
  int flag = 0;
  mpi_check(MPI_Iprobe(mpi_source(source), MPI_ANY_TAG, comm_, &flag, MPI_STATUS_IGNORE), "MPI_Iprobe");
  return flag != 0;
}

std::optional<ReceivedMessage> MpiChannel::receive(int source, std::chrono::milliseconds timeout,
                                                   const std::function<bool()>& give_up) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MPI_Status status;
  for (;;) {
    int flag = 0;
    mpi_check(MPI_Iprobe(mpi_source(source), MPI_ANY_TAG, comm_, &flag, &status), "MPI_Iprobe");
    if (flag != 0) break;
    if ((give_up && give_up()) || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
  int count = 0;
  mpi_check(MPI_Get_count(&status, MPI_CHAR, &count), "MPI_Get_count");
  std::string bytes(static_cast<size_t>(count), '\0');
  mpi_check(MPI_Recv(bytes.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE),
            "MPI_Recv");
  return ReceivedMessage{status.MPI_SOURCE, common::decode_message(status.MPI_TAG, bytes, status.MPI_SOURCE)};
}

}  // namespace bokeh::orchestrator
