// End-to-end sweeps through the real `build/sweep`: under `mpirun -n 3` and in one process (same
// numbers), killed with -9 and resumed, stopped by SIGTERM and resumed, with a failing run, and
// with a changed spec that must be refused without touching the database.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/process_runner.h"
#include "integration/sweep_sandbox.h"

using bokeh::orchestrator::RunState;
using namespace bokeh::test;

namespace {

// Four tiny runs (width x lr) on 32x32 synthetic pairs; 1 thread per worker so numbers match across modes.
std::string tiny_spec(int epochs, const std::string& extra_runs = "") {
  return R"(sweep: itest
tables: [1]
seed: 11
)" + kTinyData +
         R"(base:
  model: {width: 4, depth: 2}
  train: {epochs: )" +
         std::to_string(epochs) + R"(, batch_size: 4, lr: 0.002}
  loss: {lpips: 0}
resources: {threads: 1, max_attempts: 2}
grid:
  model.width: [4, 6]
  train.lr: [0.002, 0.004]
)" + extra_runs;
}

constexpr int kShortEpochs = 3;
constexpr int kLongEpochs = 25;  // long enough that a signal lands mid-sweep
}  // namespace

TEST_CASE("a sweep under mpirun -n 3 equals the single-process sweep, and resumes after kill -9 and SIGTERM",
          "[integration][mpi]") {
  auto single_process_reference = [](int epochs) {
    Sandbox single(tiny_spec(epochs));
    const CommandResult alone = run_command(kSweep + " " + single.args());
    INFO(alone.output);
    REQUIRE(alone.status == 0);
    auto runs = read_runs(single.db);
    REQUIRE(runs.size() == 4);
    return runs;
  };

  SECTION("mpirun -n 3: every run done once, the same numbers") {
    const auto reference = single_process_reference(kShortEpochs);
    Sandbox mpi(tiny_spec(kShortEpochs));
    const CommandResult result = run_command(kMpirun + kSweep + " " + mpi.args());
    INFO(result.output);
    REQUIRE(result.status == 0);
    require_complete_and_equal(read_runs(mpi.db), reference, kShortEpochs);
    // Running the same command again has nothing left to do and changes nothing.
    const CommandResult again = run_command(kMpirun + kSweep + " " + mpi.args());
    CHECK(again.status == 0);
    require_complete_and_equal(read_runs(mpi.db), reference, kShortEpochs);
  }

  SECTION("kill -9 of the whole job at a random moment, then the same command finishes it") {
    const auto reference = single_process_reference(kLongEpochs);
    Sandbox mpi(tiny_spec(kLongEpochs));
    std::mt19937 random(std::random_device{}());
    const int delay_ms = std::uniform_int_distribution<int>(0, 2000)(random);
    {
      BackgroundCommand job(kMpirun + kSweep + " " + mpi.args(), mpi.dir / "killed.log");
      wait_for_training(mpi.dir / "killed.log");
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      job.signal_group(SIGKILL);
      job.wait();
    }
    INFO("killed " << delay_ms << " ms into training; log: " << file_bytes(mpi.dir / "killed.log"));
    const CommandResult resumed = run_command(kMpirun + kSweep + " " + mpi.args());
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    require_complete_and_equal(read_runs(mpi.db), reference, kLongEpochs);
  }

  SECTION("SIGTERM stops cleanly with the interrupted status; the next start resumes") {
    const auto reference = single_process_reference(kLongEpochs);
    Sandbox mpi(tiny_spec(kLongEpochs));
    BackgroundCommand job(kMpirun + kSweep + " " + mpi.args(), mpi.dir / "term.log");
    wait_for_training(mpi.dir / "term.log");
    job.signal_leader(SIGTERM);  // mpirun forwards it to every rank
    const int status = job.wait();
    const std::string log = file_bytes(mpi.dir / "term.log");
    INFO(log);
    CHECK(status != 0);
    CHECK(log.find("interrupted; run the same command again to resume") != std::string::npos);
    for (const auto& [name, run] : read_runs(mpi.db)) {
      CHECK(run.state != RunState::Running);  // the store is consistent: in-flight runs went back to pending
      CHECK(run.attempts <= 1);               // an interruption is not a failed attempt
    }
    const CommandResult resumed = run_command(kMpirun + kSweep + " " + mpi.args());
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    require_complete_and_equal(read_runs(mpi.db), reference, kLongEpochs);
  }
}

TEST_CASE("a run that fails is recorded with its error while the others finish, --retry-failed reruns it",
          "[integration][mpi]") {
  // The run fails on every attempt through the testing aid BOKEH_FAIL_RUN (a learning rate absurd
  // enough to make the loss non-finite is refused by the spec's range check since lr <= 10).
  Sandbox box(tiny_spec(kShortEpochs, "runs:\n  - {name: diverges, train: {lr: 0.003}}\n"));
  const std::string failing = "BOKEH_FAIL_RUN=diverges ";
  const CommandResult first = run_command(failing + kMpirun + kSweep + " " + box.args());
  INFO(first.output);
  CHECK(first.status == 1);
  auto runs = read_runs(box.db);
  REQUIRE(runs.size() == 5);
  CHECK(runs.at("diverges").state == RunState::Failed);
  CHECK(runs.at("diverges").attempts == 2);  // resources.max_attempts
  CHECK_THAT(runs.at("diverges").error, Catch::Matchers::Contains("failed on purpose"));
  for (const auto& [name, run] : runs)
    if (name != "diverges") CHECK(run.state == RunState::Done);

  const CommandResult without_flag = run_command(failing + kMpirun + kSweep + " " + box.args());
  CHECK(without_flag.status == 1);
  CHECK(read_runs(box.db).at("diverges").attempts == 2);  // not retried without --retry-failed

  const CommandResult retried = run_command(failing + kMpirun + kSweep + " " + box.args() + " --retry-failed");
  INFO(retried.output);
  CHECK(retried.status == 1);
  CHECK(read_runs(box.db).at("diverges").attempts == 2);  // two new attempts, counted afresh
  CHECK(retried.output.find("diverges") != std::string::npos);
}

TEST_CASE("a changed spec under the same name is refused without touching the database", "[integration]") {
  Sandbox box(tiny_spec(kShortEpochs));
  REQUIRE(run_command(kSweep + " " + box.args() + " --set train.epochs=1").status == 0);
  const std::string before = file_bytes(box.db);
  const CommandResult changed = run_command(kSweep + " " + box.args() + " --set train.epochs=2");
  INFO(changed.output);
  CHECK(changed.status == 2);
  CHECK(changed.output.find("epochs") != std::string::npos);  // the difference is printed
  CHECK(file_bytes(box.db) == before);
}
