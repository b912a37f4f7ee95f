// A PyNET sweep end to end through the real `build/sweep` in one process: two narrow PyNETs on 64x64
// synthetic pairs train to the end with the parameters of PyNET's facts; killed with -9 at a random
// moment and resumed, every figure equals the uninterrupted sweep's bit for bit.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "integration/sweep_sandbox.h"
#include "support/process_runner.h"

using namespace bokeh::test;

namespace {

constexpr int kPyNetEpochs = 10;

// Two PyNETs (widths 4 and 8) on 64x64 synthetic pairs, 1 thread.
std::string pynet_spec() {
  return "sweep: itest\nseed: 13\n"
         "data: {source: synthetic, height: 64, width: 64, train_pairs: 8, val_pairs: 4, test_pairs: 4,\n"
         "       synthetic: {size: 64, seed: 5}}\n"
         "resources: {threads: 1, max_attempts: 2}\n"
         "grid: {model.width: [4, 8]}\n"
         "base:\n"
         "  model: {arch: pynet}\n"
         "  loss: {lpips: 0}\n"
         "  train: {batch_size: 4, lr: 0.001, epochs: " +
         std::to_string(kPyNetEpochs) + "}\n";
}

}  // namespace

TEST_CASE("a PyNET sweep trains end to end, and resumes bit-identically after kill -9", "[integration]") {
  Sandbox reference(pynet_spec());
  const CommandResult whole = run_command(kSweep + " " + reference.args());
  INFO(whole.output);
  REQUIRE(whole.status == 0);
  const auto runs = read_runs(reference.db);
  REQUIRE(runs.size() == 2);
  CHECK(runs.at("w4").results.at("parameters") == 750'634);  // PyNET's facts at width 4, RGB
  CHECK(runs.at("w8").results.at("parameters") == 2'984'901);

  Sandbox killed(pynet_spec());
  std::mt19937 random(std::random_device{}());
  const int delay_ms = std::uniform_int_distribution<int>(0, 3000)(random);
  {
    BackgroundCommand job(kSweep + " " + killed.args(), killed.dir / "killed.log");
    wait_for_training(killed.dir / "killed.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    job.signal_group(SIGKILL);
    job.wait();
  }
  INFO("killed " << delay_ms << " ms into training; log: " << file_bytes(killed.dir / "killed.log"));
  const CommandResult resumed = run_command(kSweep + " " + killed.args());
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  require_complete_and_equal(read_runs(killed.db), runs, kPyNetEpochs);
}
