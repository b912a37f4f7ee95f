// `report --serve` against the fixture database: the page and data.json over GET, HEAD without a body,
// every other method refused with 405, a new epoch written meanwhile (by another process, as a sweep
// does) visible on the next poll, the database left as it was, and only 127.0.0.1 listening.
#include <catch2/catch.hpp>

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/sweep_fixture.h"
#include "support/served_report.h"

using namespace bokeh;
using nlohmann::json;

namespace {

const json& run_named(const json& snapshot, const std::string& name) {
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
  CHECK(run_named(json::parse(before->body), f.lr1)["epochs_done"] == 1);

  {  // the sweep records the running run's second epoch (a writer in WAL mode, like the coordinator)
    orchestrator::Store writer(f.db_path);
    writer.record_epoch(f.runs.at(f.lr1).id, test::SweepFixture::epoch(2, 1.0, 0.95, 1e-4, 480));
  }
  const httplib::Result after = client->Get("/data.json");
  REQUIRE(after);
  const json snapshot = json::parse(after->body);
  const json& run = run_named(snapshot, f.lr1);
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

  const test::ToolResult busy = test::run_tool(f.dir, "report", fmt::format("--serve --port {} --db '{}'",
                                                                            served.port(), f.db_path));
  CHECK(busy.status != 0);
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
  const httplib::Result before = client->Get("/data.json");
  REQUIRE(before);
  CHECK(before->status == 404);
  CHECK_THAT(before->body, Catch::Contains(later));

  std::filesystem::create_directories(std::filesystem::path(later).parent_path());
  std::filesystem::copy_file(f.db_path, later);
  const httplib::Result after = client->Get("/data.json");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK_THAT(after->body, Catch::Contains("\"sweeps\""));
}
