// Sampled and ASHA sweeps through the real `build/sweep`, killed with -9 at a random moment and
// resumed with the same command: random and Sobol trials are stored once and never re-sampled (the
// same runs, bit-identical to an uninterrupted sweep), no epoch is lost or trained twice; an ASHA
// sweep in one process takes the same decisions and reaches the same numbers run to run and across
// a kill, and under mpirun ends consistent (every run done at its last epoch or stopped at a rung).
#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "integration/sweep_sandbox.h"
#include "support/process_runner.h"

using bokeh::orchestrator::RunState;
using namespace bokeh::test;

namespace {

// Tiny runs on 32x32 synthetic pairs, 1 thread per worker so numbers match across starts.
std::string search_spec(const std::string& method, int epochs, bool asha) {
  return R"(sweep: itest
seed: 13
)" + kTinyData +
         R"(base:
  model: {depth: 2}
  train: {epochs: )" +
         std::to_string(epochs) + R"(, batch_size: 4}
  loss: {lpips: 0}
resources: {threads: 1, max_attempts: 2}
search:
  method: )" +
         method + R"(
  trials: )" +
         (asha ? "6" : "4") + R"(
  space:
    train.lr: {loguniform: [1.0e-3, 1.0e-2]}
    model.width: {int: [3, 6]}
)" + (asha ? "early_stopping: {method: asha, min_epochs: 1, reduction_factor: 3}\n" : "");
}

// Kills `command` (and its children) with SIGKILL at a random moment after training started.
void kill_mid_training(const std::string& command, const Sandbox& box) {
  std::mt19937 random(std::random_device{}());
  const int delay_ms = std::uniform_int_distribution<int>(0, 1500)(random);
  BackgroundCommand job(command, box.dir / "killed.log");
  wait_for_training(box.dir / "killed.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  job.signal_group(SIGKILL);
  job.wait();
  INFO("killed " << delay_ms << " ms into training");
}

std::map<std::string, RunView> finished(const Sandbox& box, const std::string& launcher) {
  const CommandResult result = run_command(launcher + kSweep + " " + box.args());
  INFO(result.output);
  REQUIRE(result.status == 0);
  return read_runs(box.db);
}

// Every run done at its last epoch or stopped at a rung (1 or 3 here), its epochs contiguous, each once.
void require_asha_consistent(const std::map<std::string, RunView>& runs, int epochs) {
  int done = 0;
  for (const auto& [name, run] : runs) {
    INFO("run " << name);
    REQUIRE((run.state == RunState::Done || run.state == RunState::Stopped));
    done += run.state == RunState::Done ? 1 : 0;
    const size_t expected = run.state == RunState::Done ? static_cast<size_t>(epochs) : run.epochs.size();
    REQUIRE(run.epochs.size() == expected);
    if (run.state == RunState::Stopped) CHECK((expected == 1 || expected == 3));
    for (size_t e = 0; e < run.epochs.size(); ++e) CHECK(run.epochs[e].epoch == static_cast<int64_t>(e + 1));
    CHECK(run.results.at("epochs") == static_cast<int64_t>(run.epochs.size()));
  }
  CHECK(done >= 1);  // the best of rung 1 goes on to the end
}
}  // namespace

TEST_CASE("random and sobol sweeps resume after kill -9 with the same stored trials, nothing lost or redone",
          "[integration][mpi][search]") {
  constexpr int kEpochs = 12;
  for (const char* method : {"random", "sobol"}) {
    INFO(method);
    Sandbox reference(search_spec(method, kEpochs, false));
    const auto expected = finished(reference, "");
    REQUIRE(expected.size() == 4);
    Sandbox box(search_spec(method, kEpochs, false));
    kill_mid_training(kMpirun + kSweep + " " + box.args(), box);
    require_complete_and_equal(finished(box, kMpirun), expected, kEpochs);
  }
}

TEST_CASE(
    "an ASHA sweep in one process decides the same run to run and across kill -9, under mpirun it stays "
    "consistent after a kill",
    "[integration][mpi][search][asha]") {
  constexpr int kEpochs = 9;
  Sandbox reference(search_spec("sobol", kEpochs, true));
  const auto expected = finished(reference, "");
  require_asha_consistent(expected, kEpochs);

  SECTION("one process, killed and resumed: the same states, epochs and numbers") {
    Sandbox box(search_spec("sobol", kEpochs, true));
    kill_mid_training(kSweep + " " + box.args(), box);
    const auto resumed = finished(box, "");
    REQUIRE(resumed.size() == expected.size());
    for (const auto& [name, run] : resumed) {
      INFO("run " << name);
      const RunView& other = expected.at(name);
      CHECK(run.state == other.state);
      REQUIRE(run.epochs.size() == other.epochs.size());
      for (size_t e = 0; e < run.epochs.size(); ++e) {
        CHECK(run.epochs[e].val_loss == other.epochs[e].val_loss);
        CHECK(run.epochs[e].val_psnr == other.epochs[e].val_psnr);
        CHECK(run.epochs[e].val_ssim == other.epochs[e].val_ssim);
        CHECK(run.epochs[e].val_l1 == other.epochs[e].val_l1);
      }
      for (const char* field :
           {"epochs", "best_epoch", "best_val_loss", "test_l1", "test_psnr", "test_ssim", "val_psnr"})
        CHECK(run.results.at(field) == other.results.at(field));
    }
  }
  SECTION("mpirun -n 3, killed and resumed: every run done or stopped at a rung, no epoch lost or repeated") {
    Sandbox box(search_spec("sobol", kEpochs, true));
    kill_mid_training(kMpirun + kSweep + " " + box.args(), box);
    require_asha_consistent(finished(box, kMpirun), kEpochs);
  }
}
