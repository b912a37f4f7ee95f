// A sweep over two "nodes" of this machine: OpenMPI sees hosts localhost and 127.0.0.2, starts the
// second node's daemon through tests/integration/fake_ssh instead of ssh (in a UTS namespace with a
// host name of its own, which needs root), and the two nodes' ranks talk over TCP on the loopback. Groups of 2 (one per
// node) must finish the sweep with the same numbers as the same groups on one node.
#include <catch2/catch.hpp>

#include "support/process_runner.h"
#include "integration/sweep_sandbox.h"

using namespace bokeh::test;

namespace {
const std::string kFakeSsh = std::string(BOKEH_SOURCE_DIR) + "/tests/integration/fake_ssh";
const std::string kOneNode = "mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -n 5 ";
const std::string kTwoNodes =
    "mpirun --allow-run-as-root --oversubscribe --host localhost:3,127.0.0.2:2 -n 5 "
    "--mca plm_rsh_agent " +
    kFakeSsh +
    " --mca btl self,vader,tcp "
    "--mca btl_tcp_if_include lo --mca oob_tcp_if_include lo ";

const std::string kSpec = R"(sweep: itest
tables: [1]
seed: 4
data:
  source: synthetic
  height: 32
  width: 32
  train_pairs: 8
  val_pairs: 2
  test_pairs: 4
  synthetic: {count: 14, size: 32, seed: 3}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 2, batch_size: 4, lr: 0.003}
  loss: {lpips: 0}
resources: {threads: 1, ranks_per_run: 2}
grid:
  model.width: [4, 6]
  train.lr: [0.002, 0.004]
)";
}  // namespace

TEST_CASE("a sweep on two nodes, one group of 2 on each, equals the same sweep on one node",
          "[integration][mpi][nodes]") {
  if (run_command("unshare --uts true").status != 0) {
    WARN("skipped: unshare --uts is not allowed here (it needs root), so no second node can be faked");
    return;
  }
  Sandbox one_node(kSpec);
  const CommandResult local = run_command(kOneNode + kSweep + " " + one_node.args());
  INFO(local.output);
  REQUIRE(local.status == 0);

  // The layout really is two nodes: 3 ranks on this host, 2 on the other.
  const CommandResult layout = run_command(kTwoNodes + "sh -c 'echo $(hostname) $OMPI_COMM_WORLD_LOCAL_SIZE'");
  INFO(layout.output);
  REQUIRE(layout.status == 0);
  CHECK(layout.output.find("node-127.0.0.2 2") != std::string::npos);
  CHECK(layout.output.find(" 3\n") != std::string::npos);

  Sandbox two_nodes(kSpec);
  const CommandResult spread = run_command(kTwoNodes + kSweep + " " + two_nodes.args());
  INFO(spread.output);
  REQUIRE(spread.status == 0);
  require_complete_and_equal(read_runs(two_nodes.db), read_runs(one_node.db), 2);
}
