// `report --serve` against the fixture database: the page and data.json over GET, HEAD without a body,
// every other method refused with 405, a new epoch written meanwhile (by another process, as a sweep
// does) visible on the next poll, the database left as it was, and only 127.0.0.1 listening; Host
// headers it cannot trust refused, a warning beyond loopback, slow clients that cannot starve a GET and
// get 408 when their request head is late (431 when it is too long), and before the database exists,
// the dashboard saying it waits.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/dashboard/dashboard_server.h"
#include "reports/sweep_fixture.h"
#include "support/served_report.h"

using namespace bokeh;
using nlohmann::json;

namespace {

const json& snapshot_run_named(const json& snapshot, const std::string& name) {
  for (const json& run : snapshot.at("sweeps").at(0).at("runs")) {
    if (run.at("name") == name) return run;
  }
  throw std::runtime_error("no run " + name);
}

// The IPv4 addresses of this machine's interfaces other than loopback, dotted.
std::vector<std::string> other_ipv4_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    const uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
    if ((ip >> 24) == 127) continue;
    out.push_back(fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255));
  }
  freeifaddrs(list);
  return out;
}

// A TCP connection to 127.0.0.1:`port`, or -1.
int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
  ::close(fd);
  return -1;
}

}  // namespace

TEST_CASE("report --serve is read-only, on 127.0.0.1 only, and shows epochs as they are written",
          "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}'", f.db_path));
  CHECK(served.host() == "127.0.0.1");
  const auto client = served.client();

  const httplib::Result page = client->Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK_THAT(page->get_header_value("Content-Type"), Catch::StartsWith("text/html"));
  CHECK_THAT(page->body, Catch::Contains("<script id=\"bokeh-data\"") && Catch::Contains("var BOKEH_LIVE = true;"));

  const httplib::Result before = client->Get("/data.json");
  REQUIRE(before);
  REQUIRE(before->status == 200);
  CHECK(snapshot_run_named(json::parse(before->body), f.lr1)["epochs_done"] == 1);

  {  // the sweep records the running run's second epoch (a writer in WAL mode, like the coordinator)
    orchestrator::Store writer(f.db_path);
    writer.record_epoch(f.runs.at(f.lr1).id, test::SweepFixture::epoch(2, 1.0, 0.95, 1e-4, 480));
  }
  const httplib::Result after = client->Get("/data.json");
  REQUIRE(after);
  const json snapshot = json::parse(after->body);
  const json& run = snapshot_run_named(snapshot, f.lr1);
  CHECK(run["epochs_done"] == 2);
  CHECK(run["curve"]["val"] == json{1.1, 0.95});

  const auto db_state = [&] {
    std::string state;
    for (const char* suffix : {"", "-wal"}) {
      const std::filesystem::path file = f.db_path + suffix;
      if (std::filesystem::exists(file)) {
        state += fmt::format("{} {} {};", suffix, std::filesystem::file_size(file),
                             std::filesystem::last_write_time(file).time_since_epoch().count());
      }
    }
    return state;
  };
  const std::string unchanged = db_state();

  const httplib::Result head = client->Head("/");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  const httplib::Result post = client->Post("/data.json", "x=1", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  const httplib::Result put = client->Put("/", "x", "text/plain");
  REQUIRE(put);
  CHECK(put->status == 405);
  const httplib::Result del = client->Delete("/data.json");
  REQUIRE(del);
  CHECK(del->status == 405);
  const httplib::Result missing = client->Get("/etc/passwd");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(db_state() == unchanged);  // serving wrote nothing

  // Listening on 127.0.0.1 (0100007F in /proc/net/tcp) and nowhere else.
  const std::vector<std::string> addresses = test::listening_addresses(served.port());
  CHECK(addresses == std::vector<std::string>{"0100007F"});
  for (const std::string& address : other_ipv4_addresses()) {
    INFO("connecting to " << address << ":" << served.port());
    httplib::Client outside(address, served.port());
    outside.set_connection_timeout(2);
    CHECK_FALSE(outside.Get("/data.json"));
  }
}

TEST_CASE("report --serve names a sweep it cannot find, and a port it cannot bind", "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}' --sweep nope", f.db_path));
  const httplib::Result page = served.client()->Get("/data.json");
  REQUIRE(page);
  CHECK(page->status == 404);
  CHECK_THAT(page->body, Catch::Contains("no sweep named \"nope\""));

  const test::ToolResult busy =
      test::run_tool(f.dir, "report", fmt::format("--serve --port {} --db '{}'", served.port(), f.db_path));
  CHECK(busy.status == 2);  // bad input, as README's exit statuses say
  CHECK(std::count(busy.err.begin(), busy.err.end(), '\n') == 1);
  CHECK_THAT(busy.err, Catch::Contains(fmt::format("cannot listen on 127.0.0.1:{}", served.port())));
}

TEST_CASE("report --serve started before its database says so, then serves the database once it exists",
          "[dashboard][serve]") {
  const test::SweepFixture f;
  const std::string later = (f.dir.path() / "later" / "sweeps.db").string();
  const test::ServedReport served(f.dir, fmt::format("--db '{}'", later));
  CHECK_THAT(served.log(), Catch::Contains(later + ": no results database yet"));
  const auto client = served.client();
  // The page is the dashboard itself, saying it waits, live (it polls data.json).
  const httplib::Result page = client->Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK_THAT(page->body, Catch::Contains("<script id=\"bokeh-data\"") && Catch::Contains("var BOKEH_LIVE = true;") &&
                             Catch::Contains("waiting for the sweep: sweeps.db does not exist yet"));
  const httplib::Result before = client->Get("/data.json");
  REQUIRE(before);
  CHECK(before->status == 200);
  const json waiting = json::parse(before->body);
  CHECK(waiting.at("sweeps").empty());
  CHECK_THAT(waiting.at("waiting").get<std::string>(), Catch::StartsWith("waiting for the sweep"));
  CHECK(before->body.find(f.dir.path().string()) == std::string::npos);  // no absolute paths

  std::filesystem::create_directories(std::filesystem::path(later).parent_path());
  std::filesystem::copy_file(f.db_path, later);
  const httplib::Result after = client->Get("/data.json");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK_THAT(after->body, Catch::Contains("\"sweeps\""));
  CHECK(json::parse(after->body).at("database") == "sweeps.db");
  CHECK(after->body.find(f.dir.path().string()) == std::string::npos);  // the folder stays on the machine
}

TEST_CASE("report --serve answers only Host headers it can trust (DNS rebinding gets 403)", "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}'", f.db_path));
  const auto client = served.client();
  const auto status_for = [&](const std::string& host) {
    const httplib::Result r = client->Get("/data.json", httplib::Headers{{"Host", host}});
    return r ? r->status : -1;
  };
  CHECK(status_for(fmt::format("127.0.0.1:{}", served.port())) == 200);
  CHECK(status_for(fmt::format("localhost:{}", served.port())) == 200);
  CHECK(status_for("[::1]:8080") == 200);
  CHECK(status_for("LOCALHOST") == 200);
  CHECK(status_for(fmt::format("attacker.example:{}", served.port())) == 403);
  CHECK(status_for("rebind.127.0.0.1.nip.io") == 403);
  const httplib::Result refused = client->Get("/", httplib::Headers{{"Host", "evil.example"}});
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(refused->body.find("sweep") == std::string::npos);  // nothing of the database in it
  CHECK_FALSE(bokeh::reports::allowed_host_header("evil.example", "0.0.0.0"));
  CHECK(bokeh::reports::allowed_host_header("192.168.1.20:8080", "0.0.0.0"));
}

TEST_CASE("report --serve beyond loopback says so in a warning line", "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}' --host 0.0.0.0", f.db_path));
  CHECK_THAT(served.log(), Catch::Contains("warning: listening on 0.0.0.0 beyond this machine's loopback"));
  const test::TempDir other_scratch;  // a log of its own
  const test::ServedReport local(other_scratch, fmt::format("--db '{}'", f.db_path));
  CHECK_THAT(local.log(), !Catch::Contains("warning"));
  CHECK(bokeh::reports::loopback_host("127.0.0.1"));
  CHECK(bokeh::reports::loopback_host("::1"));
  CHECK_FALSE(bokeh::reports::loopback_host("0.0.0.0"));
}

TEST_CASE("report --serve: 20 slow clients trickling their requests do not keep a GET waiting", "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}'", f.db_path));
  std::atomic<bool> stop{false};
  std::atomic<int> holding{0};  // tricklers whose connection is open
  std::vector<std::thread> tricklers;
  for (int i = 0; i < 20; ++i) {
    tricklers.emplace_back([&] {
      const int fd = connect_loopback(served.port());
      if (fd >= 0) {
        ++holding;
        const std::string request = "GET /data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        for (size_t i = 0; !stop && i < 4000; ++i) {  // one byte every 100 ms, never finishing its headers
          const char c = i < request.size() ? request[i] : 'x';
          if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        --holding;
        ::close(fd);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // every trickler holds a connection
  const auto client = served.client();
  for (int attempt = 0; attempt < 3; ++attempt) {
    const httplib::Result r = client->Get("/data.json");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  // Answered while the slow clients still held their connections (they are cut off only once their
  // heads are late): the GETs did not wait for them.
  CHECK(holding == 20);
  stop = true;
  for (std::thread& t : tricklers) t.join();
}

// Slow clients beyond the server's workers (kServeWorkers): each sends its request line, then a header
// line every 2 s, never the empty line that ends them, for up to 20 s. The server cuts every one off
// with 408 once its head is late (kRequestHeadSeconds), and answers GETs made meanwhile.
TEST_CASE("report --serve: 200 clients trickling header lines get 408 while GETs made meanwhile answer",
          "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}'", f.db_path));
  constexpr int kSlow = 200;
  constexpr int kLines = 10;  // 20 s of trickling, if nobody cuts it short
  std::vector<int> slow(kSlow);
  for (int& fd : slow) {
    fd = connect_loopback(served.port());
    REQUIRE(fd >= 0);
    const std::string line = "GET /data.json HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    REQUIRE(::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size()));
  }
  std::atomic<int> connected{kSlow};
  std::vector<std::string> answers(kSlow);
  std::thread trickle([&] {
    std::vector<bool> closed(kSlow, false);
    for (int line = 0; line < kLines && connected > 0; ++line) {
      const std::string header = fmt::format("X-Slow-{}: x\r\n", line);
      for (int i = 0; i < kSlow; ++i) {
        if (!closed[i]) ::send(slow[i], header.data(), header.size(), MSG_NOSIGNAL);
      }
      const auto next_line = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      for (auto now = std::chrono::steady_clock::now(); now < next_line && connected > 0;
           now = std::chrono::steady_clock::now()) {
        std::vector<pollfd> waiting;
        std::vector<int> index;
        for (int i = 0; i < kSlow; ++i) {
          if (!closed[i]) {
            waiting.push_back({slow[i], POLLIN, 0});
            index.push_back(i);
          }
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_line - now).count();
        ::poll(waiting.data(), waiting.size(), static_cast<int>(left) + 1);
        for (size_t k = 0; k < waiting.size(); ++k) {
          if (waiting[k].revents == 0) continue;
          char buffer[1024];
          const ssize_t n = ::recv(waiting[k].fd, buffer, sizeof buffer, 0);
          if (n > 0) {
            answers[index[k]].append(buffer, static_cast<size_t>(n));
          } else {  // the server closed it
            closed[index[k]] = true;
            --connected;
          }
        }
      }
    }
  });

  auto client = served.client();
  client->set_read_timeout(10);  // generous; a GET queued behind the slow clients would wait 20 s
  std::vector<int> open_when_answered;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const httplib::Result r = client->Get("/data.json");
    open_when_answered.push_back(connected);
    CHECK(r);
    if (r) CHECK(r->status == 200);
  }
  trickle.join();
  for (const int fd : slow) ::close(fd);

  for (const int still_open : open_when_answered) {
    INFO("slow clients still connected when a GET was answered");
    CHECK(still_open > bokeh::reports::kServeWorkers);
  }
  CHECK(connected == 0);  // every slow client was cut off before its 20 s of header lines ran out
  const auto cut_with_408 = std::count_if(answers.begin(), answers.end(), [](const std::string& answer) {
    return answer.rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0;
  });
  CHECK(cut_with_408 == kSlow);
}

TEST_CASE("report --serve answers a request head sent in pieces but refuses one over 16 KiB with 431",
          "[dashboard][serve]") {
  const test::SweepFixture f;
  const test::ServedReport served(f.dir, fmt::format("--db '{}'", f.db_path));
  // Sends `pieces` 200 ms apart and reads the answer until the server closes the connection.
  const auto exchange = [&](const std::vector<std::string>& pieces) {
    const int fd = connect_loopback(served.port());
    REQUIRE(fd >= 0);
    for (const std::string& piece : pieces) {
      ::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    return answer;
  };
  const std::string in_pieces =
      exchange({"GET /data.json HT", "TP/1.1\r\nHost: 127.0.0.1\r\n", "Accept: */*\r\n", "\r\n"});
  CHECK_THAT(in_pieces, Catch::StartsWith("HTTP/1.1 200 OK\r\n") && Catch::Contains("\"sweeps\""));
  const std::string oversized =
      exchange({"GET /data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(17 * 1024, 'x') + "\r\n\r\n"});
  CHECK_THAT(oversized, Catch::StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
}
