// `report --status` on a sweep in progress: counts by state, per-run progress, failures with their
// error, elapsed time and the ETA computed from the done runs' seconds per estimated FLOP.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include "reports/tables/status_report.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/sweep_fixture.h"

using namespace bokeh;
using orchestrator::RunState;

TEST_CASE("Durations read as hours, minutes and seconds", "[status]") {
  CHECK(reports::format_duration(12) == "12s");
  CHECK(reports::format_duration(250) == "4m 10s");
  CHECK(reports::format_duration(3720) == "1h 02m");
  CHECK(reports::format_duration(-3) == "0s");
}

TEST_CASE("Runs are counted by state, every state present, and a sweep is open while any is to do", "[status]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const reports::StateCounts counts = reports::count_states(store.runs("tiny"));
  CHECK(counts[RunState::Done] == 2);
  CHECK(counts[RunState::Running] == 1);
  CHECK(counts[RunState::Pending] == 1);
  CHECK(counts[RunState::Failed] == 1);
  CHECK(counts[RunState::Stopped] == 0);
  CHECK(counts.open());

  std::vector<orchestrator::RunRecord> finished;
  for (const orchestrator::RunRecord& r : store.runs("tiny"))
    if (r.state == RunState::Done || r.state == RunState::Failed) finished.push_back(r);
  CHECK_FALSE(reports::count_states(finished).open());
  CHECK(reports::count_states({}).by_state.size() == 5);
}

TEST_CASE("The ETA is the remaining cost at the done runs' rate, shared by the running runs", "[status]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const auto& r = f.runs;
  const double rate = (2100.0 + 1140.0) / (r.at("VBase_1").cost + r.at(f.lr2).cost);  // seconds per FLOP
  const double remaining = r.at(f.lr5).cost + r.at(f.lr1).cost * (1.0 - 1.0 / 3.0);   // lr 1e-4: 1 of 3 epochs
  const std::optional<double> eta = reports::eta_seconds(store, "tiny");
  REQUIRE(eta.has_value());
  CHECK(*eta == Approx(remaining * rate / 1.0));  // one run is running
}

TEST_CASE("Status shows runs by state, progress, failures, elapsed time and ETA", "[status]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  double first_start = 1e300;
  for (const auto& [name, run] : f.runs) {
    if (run.started) first_start = std::min(first_start, *run.started);
  }
  const double now = first_start + 3725;
  {  // the sweep process beat a moment before `now`
    SQLite::Database raw(f.db_path, SQLite::OPEN_READWRITE);
    raw.exec(fmt::format("UPDATE coordinators SET heartbeat = {}", now - 2));
  }
  const std::string text = reports::status_report(store, "tiny", now);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("## Sweep tiny: 2 done, 1 running, 1 pending, 1 failed (5 runs)"));
  CHECK_THAT(text, Catch::Contains("Elapsed: 1h 02m"));
  CHECK_THAT(text, Catch::Contains("ETA: about " + reports::format_duration(*reports::eta_seconds(store, "tiny"))));
  CHECK_THAT(text, Catch::Contains(fmt::format("| {} | running | 1 | 1/3 | – | 1.1000 |", f.lr1)));
  CHECK_THAT(text, Catch::Contains(fmt::format("| {} | pending | 1 | 0/3 | – | – |", f.lr5)));
  CHECK_THAT(text, Catch::Contains("| VBase_1 | done | 1 | 3/3 | 35.0 | 0.5893 |"));
  CHECK_THAT(text, Catch::Contains("- nobn (failed, attempt 1): NaN loss at epoch 2 | batch 1"));
  CHECK_THAT(text, Catch::Contains(fmt::format("- {} (pending, attempt 1): out of memory", f.lr5)));
}

TEST_CASE("Status of a sweep whose process stopped beating, died or ended says stale, not an ETA", "[status]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const double beat = store.coordinators("tiny").at(0).heartbeat;
  SECTION("silent for ten minutes") {
    const std::string text = reports::status_report(store, "tiny", beat + 600);
    CHECK_THAT(text, Catch::Contains("; stale: coordinator last seen 10m 00s ago, rerun the same command to resume."));
    CHECK_THAT(text, !Catch::Contains("ETA"));
  }
  SECTION("alive a moment ago") {
    CHECK_THAT(reports::status_report(store, "tiny", beat + 1), Catch::Contains("ETA: about"));
  }
  SECTION("its process is gone (this host, a pid that cannot exist)") {
    {
      SQLite::Database raw(f.db_path, SQLite::OPEN_READWRITE);
      raw.exec("UPDATE coordinators SET pid = 2147483632");
    }
    CHECK_THAT(reports::status_report(store, "tiny", beat + 1),
               Catch::Contains("; stale: coordinator last seen 1s ago"));
  }
}

TEST_CASE("Status covers every sweep, and a finished or unstarted one says so", "[status]") {
  test::SweepFixture f;
  {
    orchestrator::Store store(f.db_path);
    std::string other = test::kTinySpec;
    other.replace(other.find("sweep: tiny"), 11, "sweep: other");
    store.register_sweep(orchestrator::sweep_info(orchestrator::parse_spec(other, "other.yaml")));
  }
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const std::string text = reports::status_report(store, "", 0);
  CHECK_THAT(text, Catch::Contains("## Sweep tiny:"));
  CHECK_THAT(text, Catch::Contains("## Sweep other: 0 done, 0 running, 0 pending, 0 failed (0 runs)"));
  CHECK_THAT(text, Catch::Contains("Not started yet"));
  CHECK_THROWS_WITH(reports::status_report(store, "nope", 0), Catch::Contains("no sweep named \"nope\""));
}
