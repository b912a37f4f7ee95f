// A sweep process's heartbeat: a thread with its own connection to the store that stamps the
// process's coordinator row every kHeartbeatSeconds, so that `report --status` and a later start
// can tell a live sweep from one whose process died (its runs are then reclaimed).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace bokeh::orchestrator {

class Heartbeat {
 public:
  // Starts beating for `coordinator_id` in the store at `db_path`.
  Heartbeat(const std::string& db_path, int64_t coordinator_id);
  ~Heartbeat();  // stops the thread (never throws)
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  void beat_until_stopped(const std::string& db_path, int64_t coordinator_id);

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace bokeh::orchestrator
