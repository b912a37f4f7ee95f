// The export tests' sweep and readers. ExportFixture: a database with sweep "exported", a sampled search
// (train.lr loguniform [1e-4, 1e-2], model.width int [4, 16], model.batch_norm choice [true, false]) with
// ASHA, plus a listed run outside the lr range, filled through the store's API with one run in each
// state (hand-chosen figures below). read_back(): runs a reader script of tests/reports/export in the
// export venv and parses its JSON; the venv is made on first use, and a test that cannot have it exits
// 77 (ctest: skipped) after printing why.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "common/result_json.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/sweep/sweep_records.h"
#include "store/store.h"
#include "support/process_runner.h"
#include "support/temp_dir.h"

namespace bokeh::test {

inline constexpr const char* kExportSpec = R"(sweep: exported
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 12, size: 16}}
base: {model: {width: 4, depth: 2}, train: {epochs: 3}, loss: {lpips: 0}}
runs:
  - name: listed
    model: {width: 8}
    train: {lr: 0.05}
search:
  method: random
  trials: 4
  space:
    train.lr: {loguniform: [1.0e-4, 1.0e-2]}
    model.width: {int: [4, 16]}
    model.batch_norm: {choice: [true, false]}
early_stopping: {method: asha, min_epochs: 1, reduction_factor: 3}
)";

// The runs, in the order the sweep adds them:
//   listed   lr 0.05,  width 8,  bn true   done: 3 epochs, val 0.8 0.6 0.62 (best 0.6 at epoch 2), val PSNR
//                                          20 21 22, SSIM 0.70 0.75 0.80, L1 0.10 0.09 0.08 (no LPIPS)
//   trial-01  lr 1e-3,  width 12, bn false  stopped by ASHA after epoch 1, val 0.95
//   trial-02  lr 2e-4,  width 10, bn true   failed after epoch 1, val 1.1
//   trial-03  lr 5e-3,  width 6,  bn false  running, 2 epochs, val 0.9 0.7
//   trial-04  lr 1e-4,  width 16, bn true   pending (after a failed attempt), no epochs
struct ExportFixture {
  TempDir dir;
  std::string db_path = dir.file("sweeps.db");
  std::vector<orchestrator::RunRecord> runs;  // as stored at the end, in the order added

  static orchestrator::EpochRecord epoch(int64_t e, double train, double val, double lr) {
    return orchestrator::EpochRecord{e, train, val, std::abs(val - train), lr, 10.0 * e, 100.0 + e};
  }

  static std::string results(int64_t epochs, int64_t best_epoch, double best_val, double psnr) {
    common::TrainResult r{};
    r.epochs = epochs;
    r.best_epoch = best_epoch;
    r.best_val_loss = best_val;
    r.val_loss = best_val + 0.02;
    r.train_loss = best_val - 0.05;
    r.gap = 0.07;
    r.test = {0.05, psnr, 0.8, std::nullopt};
    r.runtime_seconds = 60.0 * static_cast<double>(epochs);
    return common::result_to_json(r).dump();
  }

  // `spec_text`: kExportSpec, or one of the same runs and space with other search settings.
  explicit ExportFixture(const std::string& spec_text = kExportSpec) {
    orchestrator::Store store(db_path);
    const orchestrator::Spec spec = orchestrator::parse_spec(spec_text, "exported.yaml");
    store.register_sweep(orchestrator::sweep_info(spec));
    store.add_runs("exported", orchestrator::new_runs(orchestrator::plan_runs(spec)));
    const std::vector<std::vector<nlohmann::json>> trials = {
        {1e-3, 12, false}, {2e-4, 10, true}, {5e-3, 6, false}, {1e-4, 16, true}};
    for (size_t i = 0; i < trials.size(); ++i) {
      const auto number = static_cast<int64_t>(i + 1);
      store.add_trial("exported", orchestrator::new_run(orchestrator::plan_trial(spec, number, trials[i])),
                      orchestrator::TrialRecord{number, std::nullopt, "random", "random", "{}", 0});
    }
    std::map<std::string, orchestrator::RunRecord> by_name;
    while (auto r = store.claim_next_pending("exported")) by_name[r->name] = *r;
    const int64_t listed = by_name.at("listed").id;
    const double val_l1[] = {0.10, 0.09, 0.08}, val_psnr[] = {20, 21, 22}, val_ssim[] = {0.70, 0.75, 0.80};
    const double train[] = {0.9, 0.7, 0.65}, val[] = {0.8, 0.6, 0.62};
    for (int e = 0; e < 3; ++e) {
      orchestrator::EpochRecord row = epoch(e + 1, train[e], val[e], e < 2 ? 0.05 : 0.04);
      row.val_l1 = val_l1[e];
      row.val_psnr = val_psnr[e];
      row.val_ssim = val_ssim[e];
      store.record_epoch(listed, row);
    }
    store.finish_run(listed, results(3, 2, 0.6, 21.5));
    const int64_t stopped = by_name.at(trial_name(1)).id;
    store.record_epoch(stopped, epoch(1, 1.0, 0.95, 1e-3));
    store.pause_run(stopped, results(1, 1, 0.95, 19.0), "rung 0 (epoch 1): 2nd of 2");
    const int64_t failed = by_name.at(trial_name(2)).id;
    store.record_epoch(failed, epoch(1, 1.2, 1.1, 2e-4));
    store.fail_run(failed, "NaN loss at epoch 2", 1);
    const int64_t running = by_name.at(trial_name(3)).id;
    store.record_epoch(running, epoch(1, 1.0, 0.9, 5e-3));
    store.record_epoch(running, epoch(2, 0.8, 0.7, 5e-3));
    store.fail_run(by_name.at(trial_name(4)).id, "out of memory", 2);  // back to pending
    runs = store.runs("exported");
  }

  static std::string trial_name(int n) { return "trial-0" + std::to_string(n); }

  const orchestrator::RunRecord& run(const std::string& name) const {
    for (const orchestrator::RunRecord& r : runs) {
      if (r.name == name) return r;
    }
    throw std::runtime_error("no run " + name);
  }
};

// The export venv's python, made on first use (tests/reports/export/make_export_venv.sh); without one
// the calling test prints why and exits 77, which ctest reports as skipped.
inline std::filesystem::path export_python() {
  const std::filesystem::path venv = std::filesystem::path(BOKEH_BUILD_DIR) / "export-venv";
  const CommandResult made =
      run_command(std::string(BOKEH_SOURCE_DIR) + "/tests/reports/export/make_export_venv.sh " + venv.string());
  if (made.status != 0) {
    std::cout << "SKIPPED: " << made.output << std::flush;
    std::exit(77);
  }
  return venv / "bin" / "python";
}

// `script` (of tests/reports/export) run on `path` (and `more` arguments) in the export venv, in UTC;
// the JSON it wrote.
inline nlohmann::json read_back(const std::string& script, const std::filesystem::path& path,
                                const std::string& more = "") {
  const TempDir scratch;
  const std::string out = scratch.file("read.json");
  const CommandResult read =
      run_command("TZ=UTC " + export_python().string() + " " + BOKEH_SOURCE_DIR + "/tests/reports/export/" + script +
                  " '" + path.string() + "' " + out + " " + more);
  if (read.status != 0) throw std::runtime_error(script + " failed: " + read.output + read_text(out + ".server.log"));
  return nlohmann::json::parse(read_text(out));
}

}  // namespace bokeh::test
