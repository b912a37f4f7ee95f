// Two `sweep` processes started at once on one database and one adaptive sweep, several rounds, with
// the real binaries: a sampled search draws every trial number once and ends with both processes
// saying every run is done; ASHA's decisions see the results of both, so every rung's top 1/η went on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "faults/fault_helpers.h"
#include "integration/sweep_sandbox.h"

using bokeh::orchestrator::RunRecord;
using bokeh::orchestrator::RunState;
using bokeh::orchestrator::Store;
using namespace bokeh::test;

namespace {

constexpr char kAsha[] = "early_stopping: {method: asha, metric: val_loss, min_epochs: 1, reduction_factor: 3}\n";

std::string shared_spec(const std::string& runs) {
  return "sweep: itest\ntables: [1]\nseed: 7\n" + kTinyData +
         R"(base:
  model: {width: 4, depth: 2}
  train: {epochs: 3, batch_size: 4}
  loss: {lpips: 0}
resources: {threads: 1, max_attempts: 2}
)" + runs +
         kAsha;
}

}  // namespace

TEST_CASE("two sweep processes on one sampled search draw each trial once and both end with every run done",
          "[faults][shared]") {
  for (int round = 1; round <= 3; ++round) {
    INFO("round " << round);
    const Sandbox box(shared_spec(R"(search:
  method: sobol
  trials: 6
  space:
    train.lr: {loguniform: [1.0e-3, 1.0e-2]}
    model.width: {int: [4, 8]}
)"));
    run_pair(box, 6);
    const Store store(box.db.string(), true);
    const auto trials = store.trials("itest");
    std::set<int64_t> numbers, run_ids;
    for (const auto& t : trials) {
      numbers.insert(t.number);
      if (t.run_id) run_ids.insert(*t.run_id);
    }
    CHECK(numbers.size() == trials.size());  // one stream: numbers 1..n, each drawn by one process
    CHECK(*numbers.rbegin() == static_cast<int64_t>(trials.size()));
    CHECK(run_ids.size() == 6);  // search.trials counts runs, over both processes together
    const std::vector<RunRecord> runs = store.runs("itest");
    CHECK(runs.size() == 6);
    for (const RunRecord& run : runs) CHECK((run.state == RunState::Done || run.state == RunState::Stopped));
  }
}

TEST_CASE("two sweep processes under ASHA promote every rung's top 1/eta, seeing each other's results",
          "[faults][shared]") {
  for (int round = 1; round <= 4; ++round) {
    INFO("round " << round);
    const Sandbox box(shared_spec(R"(grid:
  train.lr: [0.001, 0.003, 0.01]
  model.width: [4, 6, 8]
)"));
    run_pair(box, 9);
    // Rung 0 is epoch 1: all 9 runs are judged there and the best 9 / 3 = 3 by val_loss at epoch 1
    // must have gone on to the last epoch (a run lifted into the top later is promoted then).
    const Store store(box.db.string(), true);
    std::vector<std::pair<double, RunRecord>> at_rung0;
    for (const RunRecord& run : store.runs("itest")) {
      const auto epochs = store.epochs(run.id);
      REQUIRE(!epochs.empty());
      at_rung0.emplace_back(epochs.front().val_loss, run);
    }
    REQUIRE(at_rung0.size() == 9);
    std::sort(at_rung0.begin(), at_rung0.end(), [](const auto& x, const auto& y) {
      return x.first < y.first || (x.first == y.first && x.second.id < y.second.id);
    });
    for (size_t i = 0; i < 3; ++i) {
      const RunRecord& run = at_rung0[i].second;
      INFO(run.name << " is " << i + 1 << " of 9 at rung 0 (val " << at_rung0[i].first << ")");
      CHECK(run.state == RunState::Done);
      CHECK(store.epochs(run.id).size() == 3);
    }
  }
}
