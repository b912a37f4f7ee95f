// The heartbeat thread: one store connection of its own, one UPDATE per beat.
#include "orchestrator/sweep/heartbeat.h"

#include <cstdio>
#include <memory>

#include "store/store.h"

namespace bokeh::orchestrator {

Heartbeat::Heartbeat(const std::string& db_path, int64_t coordinator_id)
    : thread_([this, db_path, coordinator_id] { beat_until_stopped(db_path, coordinator_id); }) {}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Heartbeat::beat_until_stopped(const std::string& db_path, int64_t coordinator_id) {
  const auto period = std::chrono::duration<double>(kHeartbeatSeconds);
  bool complained = false;  // one line on stderr if beats fail, not one per beat
  std::unique_ptr<Store> store;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
    try {
      if (!store) store = std::make_unique<Store>(db_path);
      store->heartbeat(coordinator_id);
    } catch (const std::exception& e) {
      if (!complained) std::fprintf(stderr, "sweep: heartbeat not recorded: %s\n", e.what());
      complained = true;
    }
  }
}

}  // namespace bokeh::orchestrator
