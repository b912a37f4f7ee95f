// metrics.inference_repeats end to end: under mpirun, the worker times each run's best weights after its
// test metrics, the DONE message carries the figures to the coordinator, the store keeps them with the
// run's results, and `report --table 4` shows them with the device in its conditions footnote.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/process_runner.h"
#include "integration/sweep_sandbox.h"

using namespace bokeh::test;

TEST_CASE("a sweep with metrics.inference_repeats stores each run's inference figures and Table 4 shows them",
          "[integration]") {
  Sandbox box("sweep: itest\nseed: 2\ntables: [4]\nmetrics: {inference_repeats: 1}\n" + kTinyData +
              "base:\n  model: {width: 3, depth: 2}\n  train: {epochs: 1, batch_size: 4}\n  loss: {lpips: 0}\n"
              "resources: {threads: 1, max_attempts: 1}\n");
  const CommandResult swept = run_command(kMpirun + kSweep + " " + box.args());
  INFO(swept.output);
  REQUIRE(swept.status == 0);
  bokeh::orchestrator::Store store(box.db.string());
  const std::vector<bokeh::orchestrator::RunRecord> runs = store.runs("itest");
  REQUIRE(runs.size() == 1);
  const nlohmann::json results = nlohmann::json::parse(runs[0].results_json);
  CHECK(results.at("inference_repeats") == 1);
  CHECK(results.at("inference_device") == "cpu, 1 thread");
  CHECK(results.at("inference_seconds").get<double>() > 0);
  // The photo alone, allocated in the measurement, is 3 x 1024 x 1536 floats.
  CHECK(results.at("inference_peak_mb").get<double>() >= 3.0 * 1024 * 1536 * 4 / (1024 * 1024));

  const CommandResult table =
      run_command("'" + std::string(BOKEH_BUILD_DIR) + "/report' --table 4 --db '" + box.db.string() + "'");
  INFO(table.output);
  REQUIRE(table.status == 0);
  CHECK_THAT(table.output, Catch::Contains("| Inference (s/image) | Inference peak (MB) |"));
  CHECK_THAT(table.output, Catch::Contains("on cpu, 1 thread;"));
}
