// Test helper: `report --serve` in the background on a free port (--port 0), its URL read from its log,
// an HTTP client to it, and the addresses a TCP port listens on (from /proc/net/tcp and tcp6).
#pragma once

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/process_runner.h"

namespace bokeh::test {

class ServedReport {
 public:
  // Starts BOKEH_BUILD_DIR/report --serve --port 0 `args` and waits (up to 2 minutes) for its URL.
  ServedReport(const TempDir& scratch, const std::string& args)
      : log_(scratch.path() / "serve.log"),
        job_(std::make_unique<BackgroundCommand>(
            "'" + (std::filesystem::path(BOKEH_BUILD_DIR) / "report").string() + "' --serve --port 0 " + args, log_)) {
    const std::regex url(R"(serving http://([0-9.]+):([0-9]+)/)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    std::smatch match;
    std::string text;
    while (!std::regex_search(text = read_text(log_), match, url)) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("report --serve did not start: " + text);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    host_ = match[1];
    port_ = std::stoi(match[2]);
  }

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string log() const { return read_text(log_); }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>(host_, port_);
    c->set_connection_timeout(10);
    c->set_read_timeout(120);  // a page with samples renders models; the machine may be loaded
    return c;
  }

 private:
  std::filesystem::path log_;
  std::unique_ptr<BackgroundCommand> job_;
  std::string host_;
  int port_ = 0;
};

// The local addresses (as /proc/net shows them, hex) of the sockets listening on `port`.
inline std::vector<std::string> listening_addresses(int port) {
  std::vector<std::string> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const size_t colon = local.rfind(':');
      const bool listening = state == "0A";  // TCP_LISTEN
      if (listening && std::stoi(local.substr(colon + 1), nullptr, 16) == port) out.push_back(local.substr(0, colon));
    }
  }
  return out;
}

}  // namespace bokeh::test
