// Holds accepted connections on one epoll thread until each has sent its whole request head (request
// line and headers, peeked, left unread), then hands it on; a connection whose head has not arrived
// `deadline` after it was admitted gets 408 and is closed, one whose head outgrows kMaxRequestHead gets
// 431. So a worker only ever takes a connection that has its request in full: clients that trickle
// their headers wait here, however many there are, and cannot hold the workers.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace bokeh::reports {

inline constexpr size_t kMaxRequestHead = 16 * 1024;

class RequestHeadGate {
 public:
  // `on_head` gets each socket whose head arrived (on the gate's thread) and owns it from then on.
  RequestHeadGate(std::chrono::milliseconds deadline, std::function<void(int socket)> on_head);
  ~RequestHeadGate();  // stops the thread and closes the sockets still waiting
  RequestHeadGate(const RequestHeadGate&) = delete;
  RequestHeadGate& operator=(const RequestHeadGate&) = delete;

  // Takes `socket` (a freshly accepted connection) and starts its deadline.
  void admit(int socket);

 private:
  using Clock = std::chrono::steady_clock;
  void run();
  void on_readable(int socket);
  void close_expired();
  void release(int socket);                     // stops watching it, under the lock
  void refuse(int socket, const char* status);  // answers `status` and closes it
  int wait_milliseconds();

  const std::chrono::milliseconds deadline_;
  const std::function<void(int)> on_head_;
  const int epoll_;
  const int wake_;  // an eventfd: written to stop the thread
  std::mutex mutex_;
  std::map<int, Clock::time_point> waiting_;                 // socket -> its deadline
  std::string peeked_ = std::string(kMaxRequestHead, '\0');  // the gate thread's buffer
  std::thread thread_;
};

}  // namespace bokeh::reports
