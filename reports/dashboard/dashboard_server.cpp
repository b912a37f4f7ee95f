// The dashboard server on cpp-httplib: a method filter, two routes, the database opened per request.
#include "reports/dashboard/dashboard_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>

#include "reports/dashboard/dashboard_data.h"
#include "reports/tables/sweep_lookup.h"

namespace bokeh::reports {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

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

}  // namespace

void serve_dashboard(const ServeOptions& options, const std::function<void(const std::string& url)>& on_listening) {
  const ChartLibraries libraries = read_chart_libraries();
  PageOptions page = options.page;
  page.live = true;
  page.software["cpp-httplib"] = CPPHTTPLIB_VERSION;

  httplib::Server server;
  // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, which would let a second server share
  // a port that is already in use instead of failing.
  server.set_socket_options([](socket_t socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (request.method == "GET" || request.method == "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    response.status = 405;
    response.set_header("Allow", "GET, HEAD");
    response.set_content("report --serve is read-only: GET and HEAD only\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.Get("/", [&](const httplib::Request&, httplib::Response& response) {
    answer(response, "text/html; charset=utf-8", [&] {
      const orchestrator::Store store = open_store(options.db_path);
      return dashboard_page(dashboard_snapshot(store, options.sweep, unix_now()), store, libraries, page);
    });
  });
  server.Get("/data.json", [&](const httplib::Request&, httplib::Response& response) {
    answer(response, "application/json", [&] {
      const orchestrator::Store store = open_store(options.db_path);
      return dashboard_snapshot(store, options.sweep, unix_now()).dump();
    });
  });

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) throw ReportError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                               options.host, options.port));
  const bool ipv6 = options.host.find(':') != std::string::npos;
  on_listening(fmt::format("http://{}:{}/", ipv6 ? "[" + options.host + "]" : options.host, port));
  if (!server.listen_after_bind()) throw ReportError(fmt::format("serving on {}:{} stopped", options.host, port));
}

}  // namespace bokeh::reports
