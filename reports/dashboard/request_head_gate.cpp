// The request-head gate: edge-triggered epoll (a wake-up per new segment, though the bytes peeked stay
// unread in the socket for the worker), deadlines swept on each wake-up.
#include "reports/dashboard/request_head_gate.h"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bokeh::reports {
namespace {

int checked(int fd, const char* what) {
  if (fd < 0) throw std::runtime_error(fmt::format("report --serve: {}: {}", what, std::strerror(errno)));
  return fd;
}

// Whether `head` holds a request line and headers up to the empty line that ends them.
bool head_complete(std::string_view head) {
  return head.find("\n\r\n") != std::string_view::npos || head.find("\n\n") != std::string_view::npos;
}

}  // namespace

RequestHeadGate::RequestHeadGate(std::chrono::milliseconds deadline, std::function<void(int socket)> on_head)
    : deadline_(deadline),
      on_head_(std::move(on_head)),
      epoll_(checked(epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      wake_(checked(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_;
  checked(epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event), "epoll_ctl");
  thread_ = std::thread([this] { run(); });
}

RequestHeadGate::~RequestHeadGate() {
  const uint64_t one = 1;
  if (::write(wake_, &one, sizeof one) < 0) std::perror("report --serve: stopping the request-head gate");
  thread_.join();
  for (const auto& [socket, deadline] : waiting_) ::close(socket);
  ::close(wake_);
  ::close(epoll_);
}

void RequestHeadGate::admit(int socket) {
  const std::lock_guard<std::mutex> lock(mutex_);
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  event.data.fd = socket;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, socket, &event) != 0) {
    ::close(socket);
    return;
  }
  waiting_[socket] = Clock::now() + deadline_;
}

void RequestHeadGate::run() {
  std::vector<epoll_event> events(256);
  for (;;) {
    const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), wait_milliseconds());
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == wake_) return;
      on_readable(events[i].data.fd);
    }
    close_expired();
  }
}

// Until the earliest deadline; deadlines only grow (each is admission + deadline_), so one admitted
// meanwhile never needs an earlier wake-up, and with none waiting, a whole deadline is soon enough.
int RequestHeadGate::wait_milliseconds() {
  const std::lock_guard<std::mutex> lock(mutex_);
  Clock::time_point earliest = Clock::now() + deadline_;
  for (const auto& [socket, deadline] : waiting_) earliest = std::min(earliest, deadline);
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(earliest - Clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

void RequestHeadGate::on_readable(int socket) {
  const ssize_t n = ::recv(socket, peeked_.data(), peeked_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n > 0 && head_complete(std::string_view(peeked_.data(), static_cast<size_t>(n)))) {
    release(socket);
    on_head_(socket);
  } else if (n == static_cast<ssize_t>(peeked_.size())) {
    refuse(socket, "431 Request Header Fields Too Large");
  } else if (n <= 0) {  // closed before its request was complete, or failed
    release(socket);
    ::close(socket);
  }
}

void RequestHeadGate::close_expired() {
  std::vector<int> expired;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const Clock::time_point now = Clock::now();
    for (const auto& [socket, deadline] : waiting_) {
      if (deadline <= now) expired.push_back(socket);
    }
  }
  for (const int socket : expired) refuse(socket, "408 Request Timeout");
}

void RequestHeadGate::release(int socket) {
  const std::lock_guard<std::mutex> lock(mutex_);
  epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
  waiting_.erase(socket);
}

void RequestHeadGate::refuse(int socket, const char* status) {
  release(socket);
  const std::string body = fmt::format(
      "report --serve: {}: the request line and headers must arrive within {} s, "
      "at most {} KiB\n",
      status, deadline_.count() / 1000.0, kMaxRequestHead / 1024);
  const std::string response = fmt::format(
      "HTTP/1.1 {}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: {}\r\n\r\n{}",
      status, body.size(), body);
  // Best effort, without blocking: the client is too slow to wait for. What it sent is read first,
  // so that closing sends a FIN after the answer rather than a reset that could discard it.
  if (::send(socket, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
    char sink[4096];
    for (int i = 0; i < 16 && ::recv(socket, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
    }
  }
  ::close(socket);
}

}  // namespace bokeh::reports
