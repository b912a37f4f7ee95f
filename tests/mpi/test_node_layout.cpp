// make_room_for_threads: a process that mpirun bound to fewer cores than its torch threads gets every
// core back; one bound to enough keeps its binding. Each case runs in a thread of its own (affinity is
// per thread), bound first by the test as OpenMPI binds a rank.
#include <catch2/catch.hpp>

#include <sched.h>

#include <thread>

#include "orchestrator/mpi/node_layout.h"

using bokeh::orchestrator::make_room_for_threads;

namespace {
int cores_allowed() {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  return CPU_COUNT(&set);
}

// Binds the calling thread to the first `n` cores it may use.
void bind_to_first(int n) {
  cpu_set_t allowed, set;
  CPU_ZERO(&allowed);
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof allowed, &allowed) == 0);
  for (int cpu = 0, taken = 0; cpu < CPU_SETSIZE && taken < n; ++cpu)
    if (CPU_ISSET(cpu, &allowed)) CPU_SET(cpu, &set), ++taken;
  REQUIRE(sched_setaffinity(0, sizeof set, &set) == 0);
  REQUIRE(cores_allowed() == n);
}
}  // namespace

TEST_CASE("a worker bound to one core gets the cores its threads need while a wide enough binding stays",
          "[node_layout]") {
  const int cores = cores_allowed();
  if (cores < 2) {
    WARN("one core: nothing to widen");
    return;
  }
  int widened = 0, kept = 0, seen_widened = 0, seen_kept = 0;
  std::thread([&] {
    bind_to_first(1);  // as `mpirun -n 2` binds each rank
    widened = make_room_for_threads(2);
    seen_widened = cores_allowed();
  }).join();
  std::thread([&] {
    bind_to_first(2);
    kept = make_room_for_threads(2);  // two cores for two threads: the binding is the user's choice
    seen_kept = cores_allowed();
  }).join();
  CHECK(widened == cores);
  CHECK(seen_widened == cores);
  CHECK(kept == 2);
  CHECK(seen_kept == 2);
}
