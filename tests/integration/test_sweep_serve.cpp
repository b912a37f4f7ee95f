// `report --serve` during a real sweep (`build/sweep` in one process): data.json polled while the
// sweep trains shows the epochs arriving one after another until every run is done; meanwhile a POST
// is refused and the server listens on 127.0.0.1 only.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "integration/sweep_sandbox.h"
#include "support/process_runner.h"
#include "support/served_report.h"

using namespace bokeh::test;
using nlohmann::json;

namespace {

constexpr int kRuns = 2, kEpochs = 6;

const std::string kServedSpec = R"(sweep: served
tables: [1]
seed: 7
data:
  source: synthetic
  height: 32
  width: 32
  train_pairs: 16
  val_pairs: 4
  test_pairs: 4
  synthetic: {count: 24, size: 32, seed: 5}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 6, batch_size: 4}
  loss: {lpips: 0}
resources: {threads: 1}
grid:
  train.lr: [0.002, 0.004]
)";

// Epochs recorded over all runs, and runs done, from a data.json snapshot.
std::pair<int, int> progress(const json& snapshot) {
  int epochs = 0, done = 0;
  if (snapshot.at("sweeps").empty()) return {0, 0};  // the page waits for the sweep to create its database
  for (const json& run : snapshot.at("sweeps").at(0).at("runs")) {
    epochs += run.at("epochs_done").get<int>();
    done += run.at("state") == "done";
  }
  return {epochs, done};
}

}  // namespace

TEST_CASE("report --serve shows a running sweep's epochs as they arrive", "[integration][serve]") {
  Sandbox box(kServedSpec);
  BackgroundCommand sweep("'" + std::string(BOKEH_BUILD_DIR) + "/sweep' " + box.args(), box.dir / "sweep.log");
  const ServedReport served(box.temp, "--db '" + box.db.string() + "' --sweep served");
  const auto client = served.client();

  std::vector<int> seen;  // distinct epoch totals, in the order they were served
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  int done = 0;
  while (done < kRuns && std::chrono::steady_clock::now() < deadline) {
    const httplib::Result r = client->Get("/data.json");
    if (r && r->status == 200) {  // 404 until the sweep has created the database and registered
      const auto [epochs, finished] = progress(json::parse(r->body));
      if (seen.empty() || seen.back() != epochs) seen.push_back(epochs);
      done = finished;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO("sweep log:\n" << file_bytes(box.dir / "sweep.log") << "\nserve log:\n" << served.log());
  CHECK(sweep.wait() == 0);
  REQUIRE(done == kRuns);
  CHECK(seen.back() == kRuns * kEpochs);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(seen.size() >= 3);  // the page's data changed at least twice while the sweep ran

  const httplib::Result post = client->Post("/", "", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(listening_addresses(served.port()) == std::vector<std::string>{"0100007F"});
}
