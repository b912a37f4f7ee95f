// Fault injection, done for real against the built `sweep` and `report`: the training process of a
// run killed with SIGKILL, bytes written into a checkpoint, a full disk (a small tmpfs), signals to
// mpirun and to the ranks, the whole job killed, two sweeps sharing a database, a missing data root
// fixed, and a database on a read-only mount. Where a fault must not change the outcome, the final
// results equal an uninterrupted sweep's, bit for bit.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "faults/fault_helpers.h"
#include "integration/sweep_sandbox.h"
#include "store/results_layout.h"

using bokeh::orchestrator::RunState;
using bokeh::orchestrator::Store;
using namespace bokeh::test;
namespace fs = std::filesystem;

namespace {
constexpr int kEpochs = 6;
constexpr int kLongEpochs = 12;  // long enough that a fault lands while a run trains

std::map<std::string, RunView> reference(int epochs) {
  Sandbox alone(fault_spec(epochs));
  const CommandResult result = run_command(kSweepTool + " " + alone.args());
  INFO(result.output);
  REQUIRE(result.status == 0);
  return read_runs(alone.db);
}

std::vector<std::string> event_messages(const fs::path& db, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& e : Store(db.string(), true).events("itest"))
    if (e.kind == kind) out.push_back(e.message);
  return out;
}

// Waits until the log shows `count` finished epochs in all (" epoch " lines).
void wait_for_epochs(const fs::path& log, size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  auto epochs = [&] {
    const std::string text = file_bytes(log);
    size_t n = 0;
    for (size_t at = text.find(" epoch "); at != std::string::npos; at = text.find(" epoch ", at + 1)) ++n;
    return n;
  };
  while (epochs() < count && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}
}  // namespace

TEST_CASE(
    "a training process killed with SIGKILL fails only its run - the worker rank trains on and the retry "
    "ends as an uninterrupted run",
    "[faults]") {
  const auto expected = reference(kLongEpochs);
  Sandbox box(fault_spec(kLongEpochs));
  BackgroundCommand job(kMpirunTool + kSweepTool + " " + box.args(), box.dir / "job.log");
  REQUIRE_FALSE(wait_for_descendants(job.pid(), "--train-one").empty());
  wait_for_training(box.dir / "job.log");
  const std::vector<pid_t> children = descendants(job.pid(), "--train-one");
  REQUIRE_FALSE(children.empty());
  ::kill(children.front(), SIGKILL);  // as the kernel's OOM killer would
  const int status = job.wait();
  INFO(file_bytes(box.dir / "job.log"));
  CHECK(status == 0);
  require_complete_and_equal(read_runs(box.db), expected, kLongEpochs);
  const auto retries = event_messages(box.db, "retry");
  REQUIRE(retries.size() == 1);
  CHECK_THAT(retries[0], Catch::Contains("the training process killed by signal 9"));
}

TEST_CASE(
    "a corrupt last.pt is passed over without using an attempt - the run resumes from prev.pt or from "
    "scratch and ends as an uninterrupted run",
    "[faults]") {
  const auto expected = reference(kLongEpochs);
  Sandbox box(fault_spec(kLongEpochs, /*max_attempts=*/1));
  {
    BackgroundCommand job(kSweepTool + " " + box.args(), box.dir / "first.log");
    wait_for_epochs(box.dir / "first.log", 3);  // the run in flight has a last.pt and a prev.pt
    job.signal_leader(SIGTERM);
    CHECK(job.wait() == 130);
  }
  int corrupted = 0;
  for (const auto& run : Store(box.db.string(), true).runs("itest")) {
    const fs::path last = bokeh::orchestrator::run_checkpoint_dir(box.db.parent_path(), "itest", run.key) / "last.pt";
    if (run.state == RunState::Done || !fs::exists(last)) continue;  // a done run is never read again
    // 8 KiB of finite bytes (0x01: small positive floats) in the middle: torch alone would load them as weights.
    std::fstream file(last, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(last) / 2 - 4096));
    file << std::string(8192, '\x01');
    ++corrupted;
  }
  REQUIRE(corrupted >= 1);
  const CommandResult resumed = run_command(kSweepTool + " " + box.args());
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK_THAT(resumed.output, Catch::Contains("do not match their checksum"));
  const auto runs = read_runs(box.db);
  require_complete_and_equal(runs, expected, kLongEpochs);
  for (const auto& [name, run] : runs) CHECK(run.attempts == 1);  // max_attempts 1, and nothing failed
  CHECK(event_messages(box.db, "checkpoint").size() == static_cast<size_t>(corrupted));
}

TEST_CASE(
    "a full disk is named and leaves no half-written file behind - the same command works once space is "
    "freed",
    "[faults]") {
  if (!mount_namespace_available()) {
    WARN("unshare -m is refused here (needs root): the disk-full case is not run");
    return;
  }
  Sandbox box(fault_spec(1));
  const fs::path tmpfs = box.dir / "small";
  fs::create_directories(tmpfs);
  const std::string sweep = kSweepTool + " " + box.spec.string() + " --db " + (tmpfs / "sweeps.db").string();
  // A 2 MiB tmpfs with 160 KiB left: the database fits, the synthetic pairs do not.
  const std::string script = fmt::format(
      "mount -t tmpfs -o size=2m tmpfs {0} && head -c {1} /dev/zero > {0}/filler && "
      "{{ {2}; echo \"first exit $?\"; }} > {3}/first.log 2>&1; "
      "find {0} -type f -size 0 > {3}/empty-files.txt; rm {0}/filler; "
      "{{ {2}; echo \"second exit $?\"; }} > {3}/second.log 2>&1; cp {0}/sweeps.db {3}/after.db",
      tmpfs.string(), (2048 - 160) * 1024, sweep, box.dir.string());
  const CommandResult result = run_in_mount_namespace(script);
  const std::string first = file_bytes(box.dir / "first.log"), second = file_bytes(box.dir / "second.log");
  INFO(result.output << "\nfirst:\n" << first << "\nsecond:\n" << second);
  CHECK_THAT(first, Catch::Contains("No space left on device") && !Catch::Contains("first exit 0"));
  CHECK(file_bytes(box.dir / "empty-files.txt").empty());  // no zero-byte image kept
  CHECK_THAT(second, Catch::Contains("second exit 0"));
  for (const auto& [name, run] : read_runs(box.dir / "after.db")) CHECK(run.state == RunState::Done);
}

TEST_CASE(
    "signals - SIGUSR1 to mpirun or SIGTERM to the ranks stop every rank cleanly with 130 and a rerun "
    "ends as an uninterrupted sweep",
    "[faults]") {
  const auto expected = reference(kLongEpochs);
  Sandbox box(fault_spec(kLongEpochs));
  SECTION("SIGUSR1 to mpirun, which forwards it") {
    BackgroundCommand job(kMpirunTool + kSweepTool + " " + box.args(), box.dir / "usr1.log");
    wait_for_training(box.dir / "usr1.log");
    job.signal_leader(SIGUSR1);
    const int status = job.wait();
    INFO(file_bytes(box.dir / "usr1.log"));
    CHECK(status == 130);
  }
  SECTION("SIGTERM to every rank (as Slurm's srun and scancel deliver it), not to mpirun") {
    BackgroundCommand job(kMpirunTool + kSweepTool + " " + box.args(), box.dir / "term.log");
    wait_for_training(box.dir / "term.log");
    const std::vector<pid_t> ranks = descendants(job.pid(), kSweepTool + " " + box.spec.string());
    REQUIRE(ranks.size() == 3);
    for (const pid_t rank : ranks) ::kill(rank, SIGTERM);
    const int status = job.wait();
    INFO(file_bytes(box.dir / "term.log"));
    CHECK(status == 130);
  }
  for (const auto& [name, run] : read_runs(box.db)) {
    CHECK(run.state != RunState::Running);
    CHECK(run.attempts <= 1);
  }
  const CommandResult resumed = run_command(kMpirunTool + kSweepTool + " " + box.args());
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  require_complete_and_equal(read_runs(box.db), expected, kLongEpochs);
}

TEST_CASE("the whole job killed - report --status says stale instead of an ETA and the same command resumes it",
          "[faults]") {
  const auto expected = reference(kLongEpochs);
  Sandbox box(fault_spec(kLongEpochs));
  {
    BackgroundCommand job(kMpirunTool + kSweepTool + " " + box.args(), box.dir / "killed.log");
    wait_for_epochs(box.dir / "killed.log", 2);
    // As a lost node does: every process at once (mpirun gives its ranks process groups of their own).
    const std::vector<pid_t> processes = descendants(job.pid(), "sweep");
    job.signal_group(SIGKILL);
    for (const pid_t pid : processes) ::kill(pid, SIGKILL);
    job.wait();
    for (const pid_t pid : processes)
      while (process_running(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const ToolResult status = run_tool(TempDir(), "report", "--status --db " + box.db.string());
  INFO(status.out << status.err);
  CHECK(status.status == 0);
  CHECK_THAT(status.out, Catch::Contains("stale: coordinator last seen") &&
                             Catch::Contains("rerun the same command to resume") && !Catch::Contains("ETA"));
  const CommandResult resumed = run_command(kMpirunTool + kSweepTool + " " + box.args());
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  require_complete_and_equal(read_runs(box.db), expected, kLongEpochs);
}

TEST_CASE("two sweeps sharing a database run every run once, and both exit 0", "[faults]") {
  Sandbox box(fault_spec(kEpochs));
  run_pair(box, 2);
  const auto runs = read_runs(box.db);
  REQUIRE(runs.size() == 2);
  for (const auto& [name, run] : runs) {
    CHECK(run.state == RunState::Done);
    CHECK(run.attempts == 1);
  }
  CHECK(event_messages(box.db, "start").size() == 2);  // each run started once, by one of the two
}

TEST_CASE("a missing data root fails before the sweep is registered - the fixed command is not refused", "[faults]") {
  Sandbox box(fault_spec(1, 2, "  root: /nonexistent/ebb\n"));
  const std::string ebb = "--set data.source=ebb";
  const CommandResult missing = run_command(kSweepTool + " " + box.args() + " " + ebb);
  INFO(missing.output);
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("/nonexistent/ebb"));
  const fs::path root = box.dir / "ebb";
  REQUIRE(
      run_command(std::string(BOKEH_BUILD_DIR) + "/synth --out " + root.string() + " --count 24 --size 32").status ==
      0);
  const CommandResult fixed =
      run_command(kSweepTool + " " + box.args() + " " + ebb + " --set data.root=" + root.string());
  INFO(fixed.output);
  CHECK(fixed.status == 0);
  for (const auto& [name, run] : read_runs(box.db)) CHECK(run.state == RunState::Done);
}

TEST_CASE("report reads a database on a read-only mount", "[faults]") {
  if (!mount_namespace_available()) {
    WARN("unshare -m is refused here (needs root): the read-only case is not run");
    return;
  }
  Sandbox box(fault_spec(1));
  REQUIRE(run_command(kSweepTool + " " + box.args()).status == 0);
  const fs::path archive = box.dir / "archive";
  fs::create_directories(archive);
  const std::string script = fmt::format(
      "mount -t tmpfs tmpfs {0} && cp {1} {0}/sweeps.db && mount -o remount,ro {0} && "
      "{2} --status --db {0}/sweeps.db && {2} --table 1 --sweep itest --db {0}/sweeps.db",
      archive.string(), box.db.string(), kReportTool);
  const CommandResult result = run_in_mount_namespace(script);
  INFO(result.output);
  CHECK(result.status == 0);
  CHECK_THAT(result.output, Catch::Contains("## Sweep itest: 2 done") && Catch::Contains("| Run |"));
}
