// `report --serve`: the dashboard over HTTP, read-only. GET / is the page (as `report --html` writes
// it, plus polling), GET /data.json the snapshot it polls; every request opens the database read-only
// (a WAL reader: a sweep may write meanwhile). Any method but GET and HEAD is refused with 405.
#pragma once

#include <functional>
#include <string>

#include "reports/dashboard/dashboard_page.h"

namespace bokeh::reports {

inline constexpr const char* kDefaultServeHost = "127.0.0.1";
inline constexpr int kDefaultServePort = 8080;

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
