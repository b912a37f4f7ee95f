// A worker rank that mpirun bound to one core (OpenMPI binds each rank to a core when it starts at
// most two) starts its training process with a core for each of its threads. The training process's
// OpenMP runtime reads its affinity once, when it loads: with fewer cores than threads it stops
// spinning between parallel regions, which halved a 2-thread run's speed. So the rank widens its own
// binding before it starts the process, which inherits it.
#include <catch2/catch.hpp>

#include <sched.h>

#include <string>
#include <thread>

#include "faults/fault_helpers.h"
#include "integration/sweep_sandbox.h"

using namespace bokeh::test;

namespace {
// How many cores `pid` may run on; 0 when it is gone.
int cores_allowed_of(pid_t pid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(pid, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
}
}  // namespace

TEST_CASE("under mpirun -n 2 a worker rank bound to one core starts its training process with a core per thread",
          "[faults]") {
  if (std::thread::hardware_concurrency() < 2) {
    WARN("one core: mpirun binds nothing narrower than the machine");
    return;
  }
  std::string spec = fault_spec(40);  // two tiny runs of 40 epochs: a few seconds of training
  spec.replace(spec.find("threads: 1"), 10, "threads: 2");
  Sandbox box(spec);
  const std::string mpirun = "mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -n 2 ";
  BackgroundCommand job(mpirun + kSweepTool + " " + box.args(), box.dir / "job.log");
  const std::vector<pid_t> children = wait_for_descendants(job.pid(), "--train-one");
  REQUIRE(children.size() == 1);
  const pid_t rank = parent_of(children.front());
  const int rank_cores = cores_allowed_of(rank), child_cores = cores_allowed_of(children.front());
  const int status = job.wait();
  INFO(file_bytes(box.dir / "job.log"));
  CHECK(status == 0);
  CHECK(rank_cores >= 2);
  CHECK(child_cores >= 2);
}
