// A cpp-httplib server whose workers only take connections that have sent their whole request head:
// the accept thread passes each connection to a RequestHeadGate, which gives it to one of `workers`
// threads once its head is in, or answers 408 after `head_deadline`. One request per connection (no
// keep-alive, so no second request to trickle either); GET and HEAD have no body to wait for.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>

#include "reports/dashboard/request_head_gate.h"

namespace bokeh::reports {

class HeadGatedServer : public httplib::Server {
 public:
  HeadGatedServer(size_t workers, std::chrono::milliseconds head_deadline);
  ~HeadGatedServer() override;

  // After bind_to_port: widens the listen backlog to SOMAXCONN (httplib's is 5, and a burst of
  // connections beyond it waits for SYN retransmits, a second or more), then accepts until stopped.
  bool accept_connections();

 private:
  bool process_and_close_socket(socket_t socket) override;  // on the accept thread: to the gate
  void answer(socket_t socket);                             // on a worker: the request, then close

  httplib::ThreadPool workers_;
  std::unique_ptr<RequestHeadGate> gate_;
};

}  // namespace bokeh::reports
