// Runs trained by groups of ranks (resources.ranks_per_run) through the real `build/sweep` under
// mpirun: a 2-rank group against one rank on the whole batch, two groups in a 5-rank job, a member
// that fails, resume after kill -9, and layouts that cannot form groups.
#include <catch2/catch.hpp>

#include <random>

#include "integration/sweep_sandbox.h"
#include "support/process_runner.h"
#include "training/checkpoint.h"
#include "training/unet.h"

using bokeh::orchestrator::RunState;
using namespace bokeh::test;

namespace {
const std::string kMpirunFlags = "mpirun --allow-run-as-root --oversubscribe --mca btl self,vader ";
std::string mpirun(int ranks) { return kMpirunFlags + "-n " + std::to_string(ranks) + " "; }

// Tiny runs on 32x32 synthetic pairs, 1 thread per rank; BatchNorm off so that a group's model
// equals one rank's (BatchNorm's batch statistics are per member, as in PyTorch's DDP).
// 14 training pairs in batches of 4: the last batch of 2 gives the members one pair each.
std::string group_spec(int epochs, int ranks_per_run, const std::string& runs) {
  return R"(sweep: itest
tables: [1]
seed: 11
data:
  source: synthetic
  height: 32
  width: 32
  train_pairs: 14
  val_pairs: 3
  test_pairs: 4
  synthetic: {count: 22, size: 32, seed: 5}
base:
  model: {width: 4, depth: 2, batch_norm: false}
  train: {epochs: )" +
         std::to_string(epochs) + R"(, batch_size: 4, lr: 0.003}
  loss: {lpips: 0}
resources: {threads: 1, max_attempts: 2, ranks_per_run: )" +
         std::to_string(ranks_per_run) + "}\n" + runs;
}
const std::string kOneRun = "runs:\n  - {name: solo}\n";
const std::string kFourRuns = "grid:\n  model.width: [4, 6]\n  train.lr: [0.002, 0.004]\n";

std::filesystem::path only_file_named(const std::filesystem::path& dir, const std::string& name) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.path().filename() == name) found.push_back(entry.path());
  REQUIRE(found.size() == 1);
  return found[0];
}

bokeh::training::UNet weights_of(const std::filesystem::path& file) {
  bokeh::training::UNet model(bokeh::common::ModelConfig{4, 2, false});
  bokeh::training::load_weights(file, model, torch::kCPU);
  return model;
}
}  // namespace

TEST_CASE("a 2-rank group trains to the same weights as one rank on the whole batch", "[integration][mpi][groups]") {
  constexpr int epochs = 3;
  Sandbox alone(group_spec(epochs, 1, kOneRun));
  const CommandResult single = run_command(kSweep + " " + alone.args());
  INFO(single.output);
  REQUIRE(single.status == 0);

  Sandbox grouped(group_spec(epochs, 2, kOneRun));
  const CommandResult group = run_command(mpirun(3) + kSweep + " " + grouped.args());
  INFO(group.output);
  REQUIRE(group.status == 0);

  // Same figures within float rounding (the group sums half-batch means), and the same weights.
  require_complete_and_equal(read_runs(grouped.db), read_runs(alone.db), epochs, 1e-4);
  auto a = weights_of(only_file_named(alone.dir / "results", "best.pt"));
  auto b = weights_of(only_file_named(grouped.dir / "results", "best.pt"));
  const auto pa = a->parameters(), pb = b->parameters();
  REQUIRE(pa.size() == pb.size());
  double largest = 0.0;
  for (size_t i = 0; i < pa.size(); ++i) largest = std::max(largest, (pa[i] - pb[i]).abs().max().item<double>());
  CHECK(largest < 1e-4);
  CHECK(largest > 0.0);  // the two really were trained apart (sums in another order)
}

TEST_CASE("two groups of 2 in a 5-rank job finish a sweep and match a 1-group job", "[integration][mpi][groups]") {
  constexpr int epochs = 2;
  Sandbox one_group(group_spec(epochs, 2, kFourRuns));
  const CommandResult first = run_command(mpirun(3) + kSweep + " " + one_group.args());
  INFO(first.output);
  REQUIRE(first.status == 0);

  Sandbox two_groups(group_spec(epochs, 2, kFourRuns));
  const CommandResult second = run_command(mpirun(5) + kSweep + " " + two_groups.args());
  INFO(second.output);
  REQUIRE(second.status == 0);
  require_complete_and_equal(read_runs(two_groups.db), read_runs(one_group.db), epochs);  // bit for bit
}

TEST_CASE("a member that fails fails the run once per attempt and its group trains the next run",
          "[integration][mpi][groups]") {
  const std::string runs = "runs:\n  - {name: doomed}\n  - {name: fine, train.lr: 0.002}\n";
  Sandbox box(group_spec(2, 2, runs));
  // World rank 2 (the member of the one group) fails run "doomed" on purpose.
  const std::string command = kMpirunFlags + "-n 2 " + kSweep + " " + box.args() + " : -n 1 -x BOKEH_FAIL_RUN=doomed " +
                              kSweep + " " + box.args();
  const CommandResult result = run_command(command);
  INFO(result.output);
  CHECK(result.status == 1);
  const auto runs_after = read_runs(box.db);
  REQUIRE(runs_after.size() == 2);
  CHECK(runs_after.at("fine").state == RunState::Done);
  const RunView& doomed = runs_after.at("doomed");
  CHECK(doomed.state == RunState::Failed);
  CHECK(doomed.attempts == 2);
  CHECK_THAT(doomed.error, Catch::Matchers::Contains("rank 2 on") && Catch::Matchers::Contains("failed on purpose"));
  bokeh::orchestrator::Store store(box.db.string(), true);
  int attempts_ended = 0;  // the store's own "retry"/"failed" event of each attempt, "attempt N of 2: ..."
  for (const auto& event : store.events("itest"))
    if ((event.kind == "retry" || event.kind == "failed") && event.message.rfind("attempt ", 0) == 0) ++attempts_ended;
  CHECK(attempts_ended == 2);  // one report per attempt: only the leader reports
}

TEST_CASE("a group's run resumes after kill -9 and ends as if never stopped", "[integration][mpi][groups]") {
  constexpr int epochs = 30;
  Sandbox reference(group_spec(epochs, 2, kOneRun));
  REQUIRE(run_command(mpirun(3) + kSweep + " " + reference.args()).status == 0);

  Sandbox box(group_spec(epochs, 2, kOneRun));
  std::mt19937 random(std::random_device{}());
  const int delay_ms = std::uniform_int_distribution<int>(0, 1500)(random);
  {
    BackgroundCommand job(mpirun(3) + kSweep + " " + box.args(), box.dir / "killed.log");
    wait_for_training(box.dir / "killed.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    job.signal_group(SIGKILL);
    job.wait();
  }
  INFO("killed " << delay_ms << " ms into training; log: " << file_bytes(box.dir / "killed.log"));
  const CommandResult resumed = run_command(mpirun(3) + kSweep + " " + box.args());
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  require_complete_and_equal(read_runs(box.db), read_runs(reference.db), epochs);
}

TEST_CASE("ranks that cannot form groups are refused before anything is written", "[integration][groups]") {
  Sandbox box(group_spec(2, 2, kOneRun));
  const CommandResult odd = run_command(mpirun(4) + kSweep + " " + box.args());
  CHECK(odd.status == 2);
  CHECK_THAT(odd.output, Catch::Matchers::Contains("3 training ranks") && Catch::Matchers::Contains("mpirun -n 3"));
  const CommandResult alone = run_command(kSweep + " " + box.args());
  CHECK(alone.status == 2);
  CHECK_THAT(alone.output, Catch::Matchers::Contains("ranks_per_run is 2"));
  CHECK_FALSE(std::filesystem::exists(box.db));
}
