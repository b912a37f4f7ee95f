// The coordinator loop: a pool of worker ranks, the SweepSession's books, and the Channel between them.
#include "orchestrator/sweep/coordinator.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "orchestrator/sweep/interrupt.h"

namespace bokeh::orchestrator {

namespace {
// How long one wait for a worker's message lasts before the loop looks at signals again.
constexpr auto kWaitSlice = std::chrono::milliseconds(200);

class WorkerPool {
 public:
  WorkerPool(const Channel& channel, const std::vector<int>& workers)
      : channel_(channel), unstopped_(workers.begin(), workers.end()) {}
  void ready(int rank) {
    if (unstopped_.count(rank)) idle_.insert(rank);
  }
  void assign(int rank, const common::AssignMessage& assign) {
    channel_.send(rank, assign);
    idle_.erase(rank);
    busy_[rank] = assign.run_key;
  }
  // The run `rank` was training, now finished either way; the rank is idle again.
  void finished(int rank) {
    busy_.erase(rank);
    ready(rank);
  }
  const std::string* run_of(int rank) const {
    const auto it = busy_.find(rank);
    return it == busy_.end() ? nullptr : &it->second;
  }
  void stop(int rank) {
    if (unstopped_.erase(rank)) channel_.send(rank, common::StopMessage{});
    idle_.erase(rank);
  }
  void stop_all() {
    for (int rank : std::set<int>(unstopped_)) stop(rank);
  }
  bool any_idle() const { return !idle_.empty(); }
  int some_idle() const { return *idle_.begin(); }
  bool any_busy() const { return !busy_.empty(); }
  bool any_alive() const { return !unstopped_.empty() || !busy_.empty(); }

 private:
  const Channel& channel_;
  std::set<int> unstopped_, idle_;
  std::map<int, std::string> busy_;  // rank -> run key
};

// Applies one worker message to the books and the pool.
void handle(SweepSession& session, WorkerPool& pool, const ReceivedMessage& received) {
  SweepBook& book = session.book();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, common::ReadyMessage>) {
          pool.ready(received.source);
        } else if constexpr (std::is_same_v<T, common::EpochMessage>) {
          book.on_epoch(m);
        } else if constexpr (std::is_same_v<T, common::NoticeMessage>) {
          book.on_notice(m);
        } else if constexpr (std::is_same_v<T, common::DoneMessage>) {
          book.on_done(m);
          pool.finished(received.source);
        } else if constexpr (std::is_same_v<T, common::FailedMessage>) {
          book.on_failed(m);
          if (m.interrupted) request_interrupt();  // a signal anywhere stops the whole sweep
          pool.finished(received.source);
        } else {
          throw common::ProtocolError(fmt::format("unexpected {} from rank {}",
                                                  common::message_type_name(common::message_tag(m)), received.source),
                                      received.source);
        }
      },
      received.message);
}

// A worker that sent something malformed is retired; its run fails (and may be retried elsewhere).
void retire(SweepSession& session, WorkerPool& pool, const common::ProtocolError& error) {
  std::cerr << "sweep: " << error.what() << "\n";
  const int rank = error.source_rank();
  if (rank < 0) return;
  if (const std::string* run = pool.run_of(rank)) {
    if (session.book().in_flight(*run))
      session.book().on_failed(
          common::FailedMessage{*run, std::string("worker protocol error: ") + error.what(), false});
    pool.finished(rank);
  }
  pool.stop(rank);
}
}  // namespace

int run_coordinator(const SweepCommand& command, const DataPreparer& prepare, const Channel& channel,
                    const std::vector<int>& workers) {
  WorkerPool pool(channel, workers);
  std::unique_ptr<SweepSession> session;
  try {
    session = std::make_unique<SweepSession>(command, prepare);
  } catch (const std::exception& e) {
    std::cerr << "sweep: " << e.what() << "\n";
    pool.stop_all();
    return common::kExitBadInput;
  }
  bool stopping = false;
  bool other_build = false;  // a rank spoke another protocol version
  for (;;) {
    if (interrupt_requested() && !stopping) {
      stopping = true;
      session->progress().message("stopping: workers finish at their next batch; checkpoints are kept");
      pool.stop_all();  // busy workers answer FAILED(interrupted)
    }
    bool out_of_runs = false;
    while (!stopping && pool.any_idle()) {
      std::optional<common::AssignMessage> assign = session->book().next_assignment();
      if (!assign) {
        out_of_runs = true;
        break;
      }
      pool.assign(pool.some_idle(), *assign);
    }
    if (!pool.any_busy() && (stopping || out_of_runs || !pool.any_alive())) break;
    try {
      if (auto received = channel.receive(kAnySource, kWaitSlice)) handle(*session, pool, *received);
    } catch (const common::ProtocolVersionError& e) {
      other_build = true;
      retire(*session, pool, e);
    } catch (const common::ProtocolError& e) {
      retire(*session, pool, e);
    }
  }
  pool.stop_all();
  const int status = session->finish(stopping);
  // A rank of another build is a misconfiguration, not a failed run: bad input, whatever the runs did.
  return other_build ? std::max(status, common::kExitBadInput) : status;
}

}  // namespace bokeh::orchestrator
