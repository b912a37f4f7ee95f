// What no test of a sweep's happy path meets, done for real against the built `sweep`: two databases
// in one folder with same-named sweeps (the second is refused; it never resumes the first one's
// checkpoints), --fresh after a data change (the discarded sweep's checkpoints and data are set aside;
// every run equals a clean sweep's, bit for bit), a training process that hangs with every signal
// blocked (the watchdog kills it and fails its run in one line; the sweep goes on; a stop request still
// ends the sweep with 130), SIGHUP, a closed output pipe, and Ctrl-C during data preparation.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "faults/fault_helpers.h"
#include "integration/sweep_sandbox.h"
#include "store/folder_owner.h"
#include "store/results_layout.h"

using bokeh::orchestrator::RunState;
using bokeh::orchestrator::Store;
using namespace bokeh::test;
namespace fs = std::filesystem;

namespace {
constexpr int kOwnershipEpochs = 2;

CommandResult sweep(const fs::path& spec, const fs::path& db, const std::string& extra = "") {
  return run_command(kSweepTool + " " + spec.string() + " --db " + db.string() + " " + extra);
}

bool has_event(const fs::path& db, const std::string& kind) {
  for (const auto& e : Store(db.string(), true).events("itest"))
    if (e.kind == kind) return true;
  return false;
}

// Two named runs; with BOKEH_STALL_RUN=stuck the first one hangs before epoch 1's batch 2.
std::string stall_spec(const std::string& resources) {
  return R"(sweep: itest
tables: [1]
seed: 11
)" + kTinyData +
         R"(base:
  model: {width: 4, depth: 2}
  train: {epochs: 2, batch_size: 4, lr: 0.002}
  loss: {lpips: 0}
resources: {threads: 1, )" +
         resources + R"(}
runs:
  - {name: stuck, model.width: 8}
  - {name: fine}
)";
}
}  // namespace

TEST_CASE(
    "two databases in one folder with a same-named sweep: the second is refused up front, the first is "
    "untouched, and in a folder of its own the second equals a clean sweep",
    "[faults][ownership]") {
  Sandbox box(fault_spec(kOwnershipEpochs));
  const fs::path a = box.dir / "results" / "a.db", b = box.dir / "results" / "b.db";
  const CommandResult first = sweep(box.spec, a);
  INFO(first.output);
  REQUIRE(first.status == 0);
  const auto a_runs = read_runs(a);

  const std::string other_data = "--set data.synthetic.seed=99";
  const CommandResult refused = sweep(box.spec, b, other_data);
  INFO(refused.output);
  CHECK(refused.status == 2);
  CHECK_THAT(refused.output, Catch::Contains(a.string()) && Catch::Contains("folder of its own"));
  CHECK_FALSE(fs::exists(b));  // refused before anything is written: no database, no -wal or -shm file
  CHECK_FALSE(fs::exists(b.string() + "-wal"));

  const CommandResult again = sweep(box.spec, a);  // a goes on with its own folder, as it was
  REQUIRE(again.status == 0);
  require_complete_and_equal(read_runs(a), a_runs, kOwnershipEpochs);

  Sandbox clean(fault_spec(kOwnershipEpochs));
  REQUIRE(sweep(clean.spec, clean.db, other_data).status == 0);
  const fs::path own = box.dir / "b-results" / "b.db";
  const CommandResult separate = sweep(box.spec, own, other_data);
  INFO(separate.output);
  REQUIRE(separate.status == 0);
  require_complete_and_equal(read_runs(own), read_runs(clean.db), kOwnershipEpochs);  // run by run, bit for bit
}

TEST_CASE(
    "a fresh start (--fresh) after a data change sets the discarded sweep's checkpoints and data aside, every run then "
    "equals a clean sweep's",
    "[faults][ownership]") {
  Sandbox box(fault_spec(kOwnershipEpochs));
  REQUIRE(sweep(box.spec, box.db).status == 0);
  const std::string old_instance = Store(box.db.string(), true).sweep("itest")->instance;
  const std::string changed = GENERATE(std::string("--set data.synthetic.seed=99 --set data.split_seed=5"),
                                       std::string("--set data.train_pairs=8 --set data.val_pairs=3"));
  INFO(changed);
  const CommandResult fresh = sweep(box.spec, box.db, changed + " --fresh");
  INFO(fresh.output);
  REQUIRE(fresh.status == 0);
  CHECK_THAT(fresh.output, Catch::Contains("set aside"));
  CHECK(has_event(box.db, "set-aside"));
  const fs::path aside = box.dir / "results" / "itest" / bokeh::orchestrator::kSetAsideFolder / old_instance;
  CHECK(fs::is_directory(aside / "checkpoints"));
  CHECK(fs::is_directory(aside / "data"));
  for (const auto& [name, run] : read_runs(box.db)) CHECK(run.attempts == 1);  // no attempt used up

  Sandbox clean(fault_spec(kOwnershipEpochs));
  REQUIRE(sweep(clean.spec, clean.db, changed).status == 0);
  require_complete_and_equal(read_runs(box.db), read_runs(clean.db), kOwnershipEpochs);
}

TEST_CASE(
    "a training process that hangs is killed by the watchdog: its run fails in one line and the sweep "
    "goes on",
    "[faults][watchdog]") {
  Sandbox box(stall_spec("max_attempts: 1, stall_minutes: 0.05"));  // 3 s without a batch
  const auto start = std::chrono::steady_clock::now();
  const CommandResult result = run_command("BOKEH_STALL_RUN=stuck " + kSweepTool + " " + box.args());
  INFO(result.output);
  CHECK(result.status == 1);  // a run failed
  const auto runs = read_runs(box.db);
  CHECK(runs.at("stuck").state == RunState::Failed);
  CHECK(runs.at("stuck").error == "no progress for 0.05 min in epoch 1, batch 2; killed");
  CHECK(runs.at("fine").state == RunState::Done);  // the same process trained the next run
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::minutes(2));
}

TEST_CASE(
    "a stop request reaches a training process stuck with every signal blocked: it is killed after the "
    "grace period and the sweep exits 130, resumable",
    "[faults][watchdog]") {
  Sandbox box(stall_spec("max_attempts: 2"));
  const std::string signal_name = GENERATE(std::string("TERM"), std::string("HUP"));
  INFO("SIG" << signal_name);
  BackgroundCommand job("env BOKEH_STALL_RUN=stuck " + kSweepTool + " " + box.args(), box.dir / "stop.log");
  const std::vector<pid_t> children = wait_for_descendants(job.pid(), "--train-one");
  REQUIRE_FALSE(children.empty());
  std::this_thread::sleep_for(std::chrono::seconds(4));  // data opened, model built, stuck before batch 2
  const auto sent = std::chrono::steady_clock::now();
  job.signal_leader(signal_name == "TERM" ? SIGTERM : SIGHUP);
  job.signal_leader(signal_name == "TERM" ? SIGTERM : SIGHUP);  // a repeat changes nothing
  const int status = job.wait();
  const auto took = std::chrono::steady_clock::now() - sent;
  INFO(file_bytes(box.dir / "stop.log"));
  CHECK(status == 130);
  CHECK(took < std::chrono::seconds(30));
  for (const pid_t child : children) CHECK_FALSE(process_running(child));
  const auto runs = read_runs(box.db);
  CHECK(runs.at("stuck").state == RunState::Pending);  // resumable, no attempt used
  const CommandResult resumed = run_command(kSweepTool + " " + box.args());
  INFO(resumed.output);
  CHECK(resumed.status == 0);
}

TEST_CASE("sweep | head -1: the closed pipe stops the sweep cleanly with a line, resumable", "[faults][signals]") {
  Sandbox box(fault_spec(kOwnershipEpochs));
  const CommandResult piped =
      run_command("bash -o pipefail -c \"" + kSweepTool + " " + box.args() + " 2>" + (box.dir / "err.txt").string() +
                  " | head -1\"");  // bash: sh (dash) has no pipefail
  const std::string err = file_bytes(box.dir / "err.txt");
  INFO(err);
  CHECK(piped.status == 130);  // not 141 (SIGPIPE)
  CHECK_THAT(err, Catch::Contains("cannot write progress to standard output (Broken pipe)"));
  CHECK(run_command(kSweepTool + " " + box.args()).status == 0);
}

TEST_CASE("Ctrl-C during data preparation stops within a few seconds, and the next start prepares again",
          "[faults][signals]") {
  Sandbox box(fault_spec(kOwnershipEpochs, 2, ""));
  // Much data to render: preparation takes many seconds on its own.
  const std::string big = "--set data.synthetic.count=2000 --set data.train_pairs=1500 --set data.synthetic.size=96";
  BackgroundCommand job(kSweepTool + " " + box.args() + " " + big, box.dir / "prep.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (file_bytes(box.dir / "prep.log").find("preparing data") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto sent = std::chrono::steady_clock::now();
  job.signal_leader(SIGINT);
  const int status = job.wait();
  INFO(file_bytes(box.dir / "prep.log"));
  CHECK(status == 130);
  CHECK(std::chrono::steady_clock::now() - sent < std::chrono::seconds(3));
  CHECK_THAT(file_bytes(box.dir / "prep.log"), Catch::Contains("interrupted while preparing the data"));
  CHECK(run_command(kSweepTool + " " + box.args()).status == 0);
}
