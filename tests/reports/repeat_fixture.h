// Test fixture for the comparison reports (repeats, Pareto front, importance): a temporary database
// holding one sweep of the given spec, registered and planned as `sweep` does it, whose runs are
// finished through the store's API with the figures a test function chooses from each run's config and
// repeat index (or left pending).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

#include "common/result_json.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/sweep/sweep_records.h"
#include "reports/tables/repeat_groups.h"
#include "reports/tables/run_summary.h"
#include "support/temp_dir.h"

namespace bokeh::test {

// A finished run's figures: its best validation loss (the last epoch's is 0.01 higher, training 0.05),
// test PSNR and runtime; with `best_val_psnr`, the validation PSNR of its best (and last) epoch.
struct Figures {
  double best_val_loss = 0;
  double psnr = 25;
  double runtime_s = 60;
  std::optional<double> best_val_psnr = std::nullopt;
  std::optional<double> inference_s = std::nullopt;  // as metrics.inference_repeats measures it
  std::string inference_device = "cpu, 1 thread";    // where it was measured
};

// nullopt: the run stays pending.
using FigureFunction = std::function<std::optional<Figures>(const nlohmann::json& config, int64_t repeat)>;

struct RepeatSweep {
  TempDir dir;
  std::string db_path = (dir.path() / "sweeps.db").string();
  std::string name;

  RepeatSweep(const std::string& spec_text, const FigureFunction& figures) {
    orchestrator::Store store(db_path);
    const orchestrator::Spec spec = orchestrator::parse_spec(spec_text, "spec.yaml");
    name = spec.name;
    store.register_sweep(orchestrator::sweep_info(spec));
    orchestrator::RunPlan plan = orchestrator::plan_runs(spec);
    // A sweep draws sampled trials one by one; here the plan's first draws (its preview) stand for them.
    plan.runs.insert(plan.runs.end(), plan.trials.begin(), plan.trials.end());
    store.add_runs(spec.name, orchestrator::new_runs(plan));
    for (const orchestrator::RunRecord& r : store.runs(spec.name)) {
      const nlohmann::json config = nlohmann::json::parse(r.config_json);
      const std::optional<Figures> f = figures(config, common::config_repeat(config));
      if (!f) continue;
      common::TrainResult result{};
      result.epochs = config["train"]["epochs"];
      result.best_epoch = result.epochs;
      result.best_val_loss = f->best_val_loss;
      result.val_loss = f->best_val_loss + 0.01;
      result.train_loss = f->best_val_loss + 0.05;
      result.gap = 0.04;
      result.test = {0.05, f->psnr, 0.8, std::nullopt};
      result.runtime_seconds = f->runtime_s;
      if (f->inference_s) result.inference = common::InferenceFigures{*f->inference_s, 100.0, f->inference_device, 3};
      if (f->best_val_psnr) {
        result.history.push_back({result.epochs, result.train_loss, result.val_loss, result.gap, 1e-3, 1, 1});
        result.history.back().val_psnr = f->best_val_psnr;
      }
      store.finish_run(r.id, common::result_to_json(result).dump());
    }
  }

  orchestrator::Store store() const { return orchestrator::Store(db_path, /*read_only=*/true); }
  orchestrator::SweepInfo info() const { return *store().sweep(name); }
  std::vector<reports::RunSummary> runs() const { return reports::summarize_sweep(store(), name); }
};

// A small spec: `extra` (YAML lines: repeats, grid, search...) on top of a tiny synthetic base.
inline std::string small_spec(const std::string& name, const std::string& extra) {
  return "sweep: " + name + R"(
tables: [1, 2]
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 12, size: 16}}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 3}
  loss: {lpips: 0}
)" + extra;
}

}  // namespace bokeh::test
