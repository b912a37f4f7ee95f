// Helpers of the fault-injection tests: the tiny spec they sweep, finding a job's processes by
// ancestry and command line in /proc, and running a shell script in a mount namespace of its own (for a
// tmpfs that fills up, or a read-only mount) that disappears with it, and two sweeps of one spec started at
// once on one database.
#pragma once

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "integration/sweep_sandbox.h"
#include "support/process_runner.h"

namespace bokeh::test {

inline const std::string kSweepTool = std::string(BOKEH_BUILD_DIR) + "/sweep";
inline const std::string kReportTool = std::string(BOKEH_BUILD_DIR) + "/report";
inline const std::string kMpirunTool = "mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -n 3 ";

// Two tiny runs on 32x32 synthetic pairs, one thread each so that numbers compare bit for bit.
inline std::string fault_spec(int epochs, int max_attempts = 2, const std::string& data = "") {
  return R"(sweep: itest
tables: [1]
seed: 11
)" + kTinyData +
         data + R"(base:
  model: {width: 4, depth: 2}
  train: {epochs: )" +
         std::to_string(epochs) + R"(, batch_size: 4, lr: 0.002}
  loss: {lpips: 0}
resources: {threads: 1, max_attempts: )" +
         std::to_string(max_attempts) + R"(}
grid:
  train.lr: [0.002, 0.004]
)";
}

// The parent of `pid` (from /proc/PID/stat), 0 when it is gone.
inline pid_t parent_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');  // the command name may hold spaces: fields follow its ')'
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string state;
  pid_t parent = 0;
  fields >> state >> parent;
  return parent;
}

// Whether `pid` still runs (a zombie, ended but not reaped, does not).
inline bool process_running(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

// The descendants of `root` (mpirun starts its ranks in process groups of their own, so the job's
// group does not hold them) whose command line contains `needle` (e.g. "--train-one").
inline std::vector<pid_t> descendants(pid_t root, const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    pid_t ancestor = parent_of(pid);
    while (ancestor > 1 && ancestor != root) ancestor = parent_of(ancestor);
    if (ancestor != root) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(needle) != std::string::npos) found.push_back(pid);
  }
  return found;
}

// Waits (at most a minute) for such a process to appear.
inline std::vector<pid_t> wait_for_descendants(pid_t root, const std::string& needle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  std::vector<pid_t> found;
  while ((found = descendants(root, needle)).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return found;
}

// A process's last lines count every run of the sweep, `total`, as done, or as running in the other
// process when it ended first: "done 8/9 ..." then "... 1 runs still running in another sweep process".
inline void check_final_count(const std::string& log, int total) {
  const size_t at = log.rfind("sweep itest: done ");
  REQUIRE(at != std::string::npos);
  const int done = std::stoi(log.substr(at + 18));
  CHECK(log.find(fmt::format("{}/{}", done, total), at) == at + 18);
  if (done < total)
    CHECK(log.find(fmt::format("{} runs still running in another sweep process", total - done), at) !=
          std::string::npos);
}

// Starts two sweeps of `box` at once, waits for both; both exit 0 and count all `total` runs.
inline void run_pair(const Sandbox& box, int total) {
  BackgroundCommand a(kSweepTool + " " + box.args(), box.dir / "a.log");
  BackgroundCommand b(kSweepTool + " " + box.args(), box.dir / "b.log");
  const int status_a = a.wait(), status_b = b.wait();
  const std::string log_a = file_bytes(box.dir / "a.log"), log_b = file_bytes(box.dir / "b.log");
  INFO("a:\n" << log_a << "\nb:\n" << log_b);
  CHECK(status_a == 0);
  CHECK(status_b == 0);
  check_final_count(log_a, total);
  check_final_count(log_b, total);
}

// Runs `script` with sh in a private mount namespace (root only); false when unshare is refused.
inline bool mount_namespace_available() { return run_command("unshare -m true").status == 0; }
inline CommandResult run_in_mount_namespace(const std::string& script) {
  return run_command("unshare -m sh -c '" + script + "'");
}

}  // namespace bokeh::test
