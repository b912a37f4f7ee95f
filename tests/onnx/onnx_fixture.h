// What test_onnx's cases share: a tiny sweep trained by build/sweep (U-Nets of width 4, depths 2 to 5,
// with and without batch norm, and two with attention gates, 1 epoch on 32x32 synthetic pairs), exported
// by build/export; and
// onnxruntime's Python (a venv under the build folder with onnxruntime and numpy from PyPI, made once
// under a lock), or, when it cannot be made, the test ends with status 77 (CTest: skipped) saying why.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"
#include "support/process_runner.h"
#include "support/temp_dir.h"

namespace bokeh::test {

inline const std::string kOnnxSweepSpec = R"(sweep: onnx
seed: 3
data:
  source: synthetic
  height: 32
  width: 32
  train_pairs: 8
  val_pairs: 4
  test_pairs: 4
  synthetic: {count: 24, size: 32, seed: 5}
base:
  model: {width: 4}
  train: {epochs: 1, batch_size: 4, lr: 1.0e-2}
  loss: {lpips: 0}
grid:
  model.depth: [2, 3, 4, 5]
  model.batch_norm: [true, false]
runs:
  - {name: gated-bn, model.depth: 3, model.attention: true}
  - {name: gated-nobn, model.depth: 4, model.batch_norm: false, model.attention: true}
resources: {device: cpu, threads: 1, max_attempts: 1}
)";

struct TrainedSweep {
  TempDir dir;
  std::string db = dir.file("sweeps.db");
  std::vector<reports::RunSummary> runs;

  TrainedSweep() {
    const std::string spec = dir.file("onnx.yaml");
    std::ofstream(spec) << kOnnxSweepSpec;
    const ToolResult trained = run_tool(dir, "sweep", "'" + spec + "' --db '" + db + "'");
    if (trained.status != 0) throw std::runtime_error("the tiny sweep failed: " + trained.err);
    runs = reports::summarize_sweep(reports::open_store(db), "onnx");
  }

  // build/export of `run` to `file`.
  ToolResult export_run(const std::string& run, const std::filesystem::path& file) const {
    return run_tool(dir, "export",
                    "--db '" + db + "' --sweep onnx --run '" + run + "' --format onnx '" + file.string() + "'");
  }
};

// The venv's python with onnxruntime and numpy; ends the test with status 77 when it cannot be made.
inline std::filesystem::path onnxruntime_python() {
  const std::filesystem::path venv = std::filesystem::path(BOKEH_BUILD_DIR) / "onnxruntime-venv";
  const std::string python = (venv / "bin" / "python3").string();
  const std::string check = "'" + python + "' -c 'import onnxruntime, numpy'";
  const std::string make = "python3 -m venv '" + venv.string() + "' && '" + python +
                           "' -m pip install --quiet --disable-pip-version-check onnxruntime numpy";
  const CommandResult made =
      run_command("flock '" + venv.string() + ".lock' sh -c \"" + check + " 2>/dev/null || (" + make + ")\"");
  if (made.status != 0 || run_command(check).status != 0) {
    std::cerr << "skipped: cannot make " << venv.string() << " with onnxruntime and numpy from PyPI:\n"
              << made.output << "\n";
    std::exit(77);
  }
  return python;
}

}  // namespace bokeh::test
