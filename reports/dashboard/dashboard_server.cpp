// The dashboard server on cpp-httplib: a method and Host filter, two routes, the database opened per
// request, on a HeadGatedServer so that slow clients cannot starve the others.
#include "reports/dashboard/dashboard_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "common/unix_time.h"
#include "reports/dashboard/dashboard_data.h"
#include "reports/dashboard/head_gated_server.h"
#include "reports/tables/sweep_lookup.h"

namespace bokeh::reports {
namespace {

// Runs `make` (which reads the database) and answers with its text, or with the error as plain text:
// 404 for a report that cannot be made (no database yet, unknown sweep), 500 otherwise.
void answer(httplib::Response& response, const char* content_type, const std::function<std::string()>& make) {
  response.set_header("Cache-Control", "no-store");
  try {
    response.set_content(make(), content_type);
  } catch (const ReportError& e) {
    response.status = 404;
    response.set_content(std::string(e.what()) + "\n", "text/plain; charset=utf-8");
  } catch (const std::exception& e) {
    response.status = 500;
    response.set_content(std::string(e.what()) + "\n", "text/plain; charset=utf-8");
  }
}

// The host part of a Host header ("example.org:8080" -> "example.org", "[::1]:80" -> "::1"), lower case.
std::string host_name_of(const std::string& header) {
  std::string host = header;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    host = close == std::string::npos ? host.substr(1) : host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon) {
    host.resize(colon);
  }
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  return host;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string this_host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return host_name_of(name);
}
}  // namespace

bool allowed_host_header(const std::string& header, const std::string& listening_host) {
  if (header.empty()) return true;  // HTTP/1.0 without Host: no browser, so no rebinding
  const std::string host = host_name_of(header);
  // A DNS-rebinding page reaches the server under the attacker's domain name; an address typed as
  // such (127.0.0.1, [::1], the machine's IP) cannot be rebound, and localhost and the names this
  // server was told to listen on, or this machine's own name, are the user's.
  if (is_ip_literal(host) || host == "localhost" || host == host_name_of(listening_host)) return true;
  const std::string self = this_host_name();
  return !self.empty() && host == self;
}

bool loopback_host(const std::string& host) {
  const std::string h = host_name_of(host);
  if (h == "localhost" || h == "::1") return true;
  in_addr v4{};
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

void serve_dashboard(const ServeOptions& options, const std::function<void(const std::string& url)>& on_listening) {
  const ChartLibraries libraries = read_chart_libraries();
  PageOptions page = options.page;
  page.live = true;
  page.software["cpp-httplib"] = CPPHTTPLIB_VERSION;

  HeadGatedServer server(kServeWorkers, std::chrono::seconds(kRequestHeadSeconds));
  // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, which would let a second server share
  // a port that is already in use instead of failing.
  server.set_socket_options([](socket_t socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Slow clients wait in the server's gate, not in its workers, until their request head is in (or
  // kRequestHeadSeconds have passed); a worker then has kIoTimeoutSeconds per read or write.
  server.set_read_timeout(kIoTimeoutSeconds, 0);
  server.set_write_timeout(kIoTimeoutSeconds, 0);
  server.set_pre_routing_handler([&options](const httplib::Request& request, httplib::Response& response) {
    if (!allowed_host_header(request.get_header_value("Host"), options.host)) {
      response.status = 403;
      response.set_content("report --serve answers requests for localhost, an IP address or this machine's name only\n",
                           "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (request.method == "GET" || request.method == "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    response.status = 405;
    response.set_header("Allow", "GET, HEAD");
    response.set_content("report --serve is read-only: GET and HEAD only\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Before a sweep creates the database: the dashboard itself, saying it waits, and polling.
  const auto waiting = [&options] { return !std::filesystem::exists(options.db_path); };
  server.Get("/", [&](const httplib::Request&, httplib::Response& response) {
    answer(response, "text/html; charset=utf-8", [&] {
      if (waiting()) return dashboard_page(waiting_snapshot(options.db_path, common::unix_now()), libraries, page);
      const orchestrator::StoreReader store = open_store(options.db_path);
      return dashboard_page(dashboard_snapshot(store, options.sweep, common::unix_now()), store, libraries, page);
    });
  });
  server.Get("/data.json", [&](const httplib::Request&, httplib::Response& response) {
    answer(response, "application/json", [&] {
      if (waiting()) return waiting_snapshot(options.db_path, common::unix_now()).dump();
      const orchestrator::StoreReader store = open_store(options.db_path);
      return dashboard_snapshot(store, options.sweep, common::unix_now()).dump();
    });
  });

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0)
    throw CannotListen(
        fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", options.host, options.port));
  if (!loopback_host(options.host))
    std::cerr << fmt::format(
                     "report: warning: listening on {} beyond this machine's loopback: anyone who can reach it "
                     "can read the sweep's settings and results (the default, 127.0.0.1, with an ssh tunnel "
                     "keeps it private)",
                     options.host)
              << std::endl;
  const bool ipv6 = options.host.find(':') != std::string::npos;
  on_listening(fmt::format("http://{}:{}/", ipv6 ? "[" + options.host + "]" : options.host, port));
  if (!server.accept_connections()) throw ReportError(fmt::format("serving on {}:{} stopped", options.host, port));
}

}  // namespace bokeh::reports
