// Reports of an adaptive search, on a store filled through its API: a run stopped at a rung shows
// "stopped at rung 0 (epoch 1)" in Table 1 (with a note) and in the trials table (sampled settings
// first, epochs trained / planned, best validation loss, test PSNR), and the status counts the rungs;
// Table 2 picks an all-stopped architecture's best run.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "common/result_json.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/sweep/sweep_records.h"
#include "reports/tables/epoch_figures.h"
#include "reports/tables/search_table.h"
#include "reports/tables/status_report.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"
#include "support/temp_dir.h"

using namespace bokeh;
using namespace bokeh::reports;
using namespace bokeh::common;

namespace {

constexpr const char* kSearchSpec = R"(sweep: found
tables: [1]
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 12, size: 16}}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 3}
  loss: {lpips: 0}
search:
  method: random
  trials: 3
  space:
    train.lr: {loguniform: [1.0e-4, 1.0e-2]}
early_stopping: {method: asha, min_epochs: 1, reduction_factor: 3}
)";

std::string results(int64_t epochs, double val, double psnr) {
  common::TrainResult r{};
  r.epochs = epochs;
  r.best_epoch = epochs;
  r.best_val_loss = r.val_loss = val;
  r.train_loss = val + 0.1;
  r.gap = 0.1;
  r.test = {0.05, psnr, 0.8, std::nullopt};
  r.runtime_seconds = 6.0 * static_cast<double>(epochs);
  return common::result_to_json(r).dump();
}

// Sweep "found" and its three trials, drawn as a sweep draws them (random: their proposal is "random").
void add_trials(orchestrator::Store& store) {
  const orchestrator::Spec spec = orchestrator::parse_spec(kSearchSpec, "found.yaml");
  store.register_sweep(orchestrator::sweep_info(spec));
  int64_t number = 0;
  for (const orchestrator::PlannedRun& t : orchestrator::plan_runs(spec).trials) {
    store.add_trial("found", orchestrator::new_run(t),
                    orchestrator::TrialRecord{++number, std::nullopt, "random", "random", "{}", 0});
  }
}

}  // namespace

TEST_CASE("stopped runs show their rung and last epoch in Table 1, the trials table and the status", "[search]") {
  test::TempDir dir;
  orchestrator::Store store(dir.file("sweeps.db"));
  add_trials(store);
  const orchestrator::RunRecord first = *store.claim_next_pending("found");
  const orchestrator::RunRecord second = *store.claim_next_pending("found");
  store.record_epoch(first.id, {1, 0.9, 0.8, 0.1, 1e-3, 6, 10});
  store.pause_run(first.id, results(1, 0.8, 20.5), "rung 0 (epoch 1): 2nd of 2");
  for (int64_t e = 1; e <= 3; ++e) {  // with the validation PSNR (the first run's epoch predates it)
    orchestrator::EpochRecord epoch{e, 0.7, 0.6 - 0.1 * e, 0.1, 1e-3, 6, 10};
    epoch.val_psnr = 20.0 + static_cast<double>(e);
    store.record_epoch(second.id, epoch);
  }
  store.promote_run(second.id, 1, "goes on");
  store.finish_run(second.id, results(3, 0.3, 24.25));
  const orchestrator::SweepInfo sweep = *store.sweep("found");
  const std::vector<RunSummary> runs = summarize_sweep(store, "found");

  const std::string table1 = format_markdown(build_table(1, sweep, runs));
  INFO(table1);
  CHECK(table1.find(fmt::format("| {} |", "stopped at rung 0 (epoch 1)")) != std::string::npos);
  CHECK(table1.find("1 of 3 runs were stopped early (ASHA)") != std::string::npos);

  const Table trials = trials_table(store, sweep, runs);
  REQUIRE(trials.columns.size() == 8);
  CHECK(trials.columns[1].header == "Proposed");
  CHECK(trials.columns[2].header == "train.lr");  // the sampled setting, the only one that varies
  const std::string text = format_markdown(trials);
  INFO(text);
  CHECK(text.find(fmt::format(
            "| {} | random | {} | 1/3 | 0.8000 | – | 20.50 | stopped at rung 0 (epoch 1) |", first.name,
            fmt::format("{:.4g}", nlohmann::json::parse(first.config_json)["train"]["lr"].get<double>()))) !=
        std::string::npos);
  CHECK(text.find("| 3/3 | 0.3000 | 23.00 | 24.25 | done |") != std::string::npos);  // Val PSNR of epoch 3, the best
  CHECK(text.find("| random, promoted 1x |") != std::string::npos);  // the second trial went on past rung 0
  CHECK(text.find("| 0/3 |") != std::string::npos);                  // the third trial, not started

  const std::string status = status_report(store, "found", 0);
  INFO(status);
  CHECK(status.find("1 done, 0 running, 1 pending, 0 failed, 1 stopped early (3 runs)") != std::string::npos);
  CHECK(status.find("ASHA on val_loss (reduction factor 3): rung 0 (epoch 1): 2 recorded, 1 went on, 1 stopped.") !=
        std::string::npos);
}

TEST_CASE("Table 2 picks the best of an architecture whose runs were all stopped by ASHA and not its first",
          "[search]") {
  test::TempDir dir;
  orchestrator::Store store(dir.file("sweeps.db"));
  add_trials(store);  // three trials of one architecture (only the learning rate is sampled)
  // Stopped at rung 0 (0.80), at rung 1 after a promotion (0.42), at rung 0 (0.60): the best is the second.
  const std::vector<std::pair<int64_t, double>> stops = {{0, 0.80}, {1, 0.42}, {0, 0.60}};
  std::vector<std::string> names;
  for (const auto& [rung, val] : stops) {
    const orchestrator::RunRecord run = *store.claim_next_pending("found");
    names.push_back(run.name);
    const int64_t epochs = rung == 0 ? 1 : 3;
    for (int64_t e = 1; e <= epochs; ++e) store.record_epoch(run.id, {e, 0.9, val, 0.1, 1e-3, 6, 10});
    if (rung > 0) {
      store.promote_run(run.id, rung, "goes on");
      store.claim_next_pending("found");
    }
    store.pause_run(run.id, results(epochs, val, 20), "stopped");
  }
  const orchestrator::SweepInfo sweep = *store.sweep("found");
  const std::vector<RunSummary> runs = summarize_sweep(store, "found");
  REQUIRE(std::all_of(runs.begin(), runs.end(), [](const RunSummary& r) { return r.stopped_rung.has_value(); }));
  const Table table2 = build_table(2, sweep, runs);
  INFO(format_markdown(table2));
  REQUIRE(table2.rows.size() == 1);
  CHECK(std::get<std::string>(table2.rows[0][0]) == names[1]);
  CHECK(std::get<std::string>(table2.rows[0].back()) == "stopped at rung 1 (epoch 3)");
  CHECK(table2.notes[1].find("where every run of the architecture with results was stopped early (ASHA), the "
                             "stopped run with the lowest") != std::string::npos);
}

TEST_CASE("every per-epoch figure of the figure table is read from an epoch row by its name", "[search]") {
  CHECK(epoch_figure_names() == std::vector<std::string>{"train_loss", "val_loss", "gap", "val_l1", "val_psnr",
                                                         "val_ssim", "val_lpips", "val_fg_psnr", "val_fg_ssim",
                                                         "val_bg_psnr", "val_bg_ssim", "val_bg_blur"});
  orchestrator::EpochRecord e{4, 0.5, 0.25, 0.25, 1e-3, 6, 10};
  e.val_l1 = 0.0625;
  e.val_psnr = 26.5;
  e.val_ssim = 0.875;
  e.val_fg_psnr = 30.5;
  e.val_bg_blur = 0.125;
  CHECK(epoch_figure(e, "train_loss") == 0.5);
  CHECK(epoch_figure(e, "val_loss") == 0.25);
  CHECK(epoch_figure(e, "gap") == 0.25);
  CHECK(epoch_figure(e, "val_l1") == 0.0625);
  CHECK(epoch_figure(e, "val_psnr") == 26.5);
  CHECK(epoch_figure(e, "val_ssim") == 0.875);
  CHECK(epoch_figure(e, "val_fg_psnr") == 30.5);
  CHECK(epoch_figure(e, "val_bg_blur") == 0.125);
  CHECK_FALSE(epoch_figure(e, "val_bg_ssim"));
  CHECK_FALSE(epoch_figure(e, "val_lpips"));                             // not computed
  CHECK_THROWS_AS(epoch_figure(e, "test_psnr"), std::invalid_argument);  // once per run, not per epoch
  // The best epoch: the lowest validation loss, the first of equals.
  const std::vector<orchestrator::EpochRecord> epochs = {
      {1, 0.9, 0.5, 0.4, 1e-3, 6, 10}, {2, 0.8, 0.3, 0.5, 1e-3, 6, 10}, {3, 0.7, 0.3, 0.4, 1e-3, 6, 10}};
  REQUIRE(best_epoch(epochs) != nullptr);
  CHECK(best_epoch(epochs)->epoch == 2);
  CHECK(best_epoch({}) == nullptr);
}

TEST_CASE("the trials table shows model.arch when a sweep trains more than one arch, the U-Net's by its default",
          "[search]") {
  const test::TempDir dir;
  const std::string db = dir.file("sweeps.db");
  {
    orchestrator::Store store(db);
    const orchestrator::Spec spec = orchestrator::parse_spec(
        "sweep: two\ndata: {height: 64, width: 64, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: "
        "12, size: 64}}\nbase: {model: {width: 4}, train: {epochs: 1}, loss: {lpips: 0}}\n"
        "runs:\n  - {name: u}\n  - {name: p, model.arch: pynet}\n",
        "two.yaml");
    store.register_sweep(orchestrator::sweep_info(spec));
    store.add_runs("two", orchestrator::new_runs(orchestrator::plan_runs(spec)));
  }
  const orchestrator::StoreReader store(db);
  const orchestrator::SweepInfo sweep = *store.sweep("two");
  const std::string md = format_markdown(trials_table(store, sweep, summarize_sweep(store, "two")));
  INFO(md);
  CHECK(md.find("| Run | model.arch |") != std::string::npos);
  CHECK(md.find("| u | unet |") != std::string::npos);
  CHECK(md.find("| p | pynet |") != std::string::npos);
}
