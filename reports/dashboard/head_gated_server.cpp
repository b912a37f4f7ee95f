// The gated server: an inline task queue on the accept thread, the gate, a worker pool of its own.
#include "reports/dashboard/head_gated_server.h"

#include <sys/socket.h>
#include <unistd.h>

namespace bokeh::reports {
namespace {

// Runs each task at once on the thread that enqueues it: httplib's accept loop, whose task (our
// process_and_close_socket) only hands the connection to the gate.
class InlineQueue : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

}  // namespace

HeadGatedServer::HeadGatedServer(size_t workers, std::chrono::milliseconds head_deadline)
    : workers_(workers), gate_(std::make_unique<RequestHeadGate>(head_deadline, [this](int socket) {
        workers_.enqueue([this, socket] { answer(socket); });
      })) {
  new_task_queue = [] { return new InlineQueue; };
}

HeadGatedServer::~HeadGatedServer() {
  gate_.reset();  // no more hand-offs, then the workers finish what they have
  workers_.shutdown();
}

bool HeadGatedServer::accept_connections() {
  if (::listen(svr_sock_, SOMAXCONN) != 0) return false;
  return listen_after_bind();
}

bool HeadGatedServer::process_and_close_socket(socket_t socket) {
  gate_->admit(socket);
  return true;
}

void HeadGatedServer::answer(socket_t socket) {
  // detail::process_client_socket only wraps the socket in httplib's SocketStream with these
  // timeouts (for either side); process_request reads the head the gate saw arrive and answers.
  httplib::detail::process_client_socket(socket, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_,
                                         write_timeout_usec_, [this](httplib::Stream& stream) {
                                           bool connection_closed = false;
                                           return process_request(stream, true, connection_closed, nullptr);
                                         });
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
}

}  // namespace bokeh::reports
