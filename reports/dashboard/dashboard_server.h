// `report --serve`: the dashboard over HTTP, read-only. GET / is the page (as `report --html` writes
// it, plus polling), GET /data.json the snapshot it polls; every request opens the database read-only
// (a WAL reader: a sweep may write meanwhile); before the database exists both say "waiting for the
// sweep". Any method but GET and HEAD is refused with 405; a Host header naming anything but
// localhost, an IP address, the listening host or this machine's name with 403 (DNS rebinding).
// Listening beyond loopback prints a warning line. A connection reaches one of kServeWorkers workers
// only once its request line and headers are in; one whose head is not in kRequestHeadSeconds after it
// connected gets 408 (HeadGatedServer): slow clients, however many, cannot hold the workers.
#pragma once

#include <functional>
#include <string>

#include "reports/dashboard/dashboard_page.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {

inline constexpr const char* kDefaultServeHost = "127.0.0.1";
inline constexpr int kDefaultServePort = 8080;

inline constexpr int kServeWorkers = 64;
inline constexpr int kRequestHeadSeconds = 5;
inline constexpr int kIoTimeoutSeconds = 5;  // a worker's, per read or write

// The address cannot be listened on (in use, not this machine's): bad input, exit status 2.
class CannotListen : public ReportError {
 public:
  using ReportError::ReportError;
};

// Whether a request's Host header is one the server answers (see above); "" (none) is allowed.
bool allowed_host_header(const std::string& header, const std::string& listening_host);
// Whether `host` is a loopback address or localhost.
bool loopback_host(const std::string& host);

struct ServeOptions {
  std::string db_path;
  std::string sweep;  // "" = every sweep
  std::string host = kDefaultServeHost;
  int port = kDefaultServePort;  // 0 = any free port
  PageOptions page;              // `live` is set by the server
};

// Binds to host:port (ReportError naming them when it cannot), calls `on_listening` with the URL, then
// serves until the process is stopped.
void serve_dashboard(const ServeOptions& options, const std::function<void(const std::string& url)>& on_listening);

}  // namespace bokeh::reports
