// bench_coordinator: the coordinator's own cost per trial, without training. It drives the sweep's
// real bookkeeping (SweepBook on a real SQLite store: lazy draws, ASHA decisions, TPE proposals,
// every epoch row and event written) with a scripted trainer whose losses follow the config (its PSNR
// follows the loss; ASHA and TPE rank by val_psnr: the space samples loss.ssim, so val_loss would not
// compare runs, common/objective.h), so the wall time is all coordinator. Prints one JSON line: trials, epochs booked,
// wall seconds, ms per trial (TPE's own sampling cost is its difference to random's at the same count), peak RSS.
// bench/coordinator_scale runs it next to Optuna. --multi-objective searches val_psnr (max) and params (min): MO-TPE or
// random trials with MO-ASHA.
//
//   bench_coordinator --method random|sobol|tpe --trials N [--db FILE] [--epochs 9] [--eta 3] [--multi-objective]
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "common/run_settings.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/sweep/sweep_book.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {

// The objective both sides see: a smooth function of lr, width and the SSIM weight, falling with epochs.
double scripted_loss(double lr, double width, double ssim, int64_t epoch) {
  const double q = 0.1 + std::pow(std::log10(lr) + 2.5, 2) + 0.3 * std::pow(ssim - 1.2, 2) + 0.002 * width;
  return q * (1.0 + 2.0 / static_cast<double>(epoch));
}

TrainResult scripted(const nlohmann::json& config, int64_t until) {
  TrainResult r{};
  r.epochs = until;
  for (int64_t e = 1; e <= until; ++e) {
    const double v = scripted_loss(setting_value(config, "train.lr").get<double>(),
                                   setting_value(config, "model.width").get<double>(),
                                   setting_value(config, "loss.ssim").get<double>(), e);
    r.history.push_back(EpochFigures{e, v + 0.05, v, 0.05, 1e-3, 0.0, 0.0});
    r.history.back().val_psnr = 20.0 - 10.0 * std::log10(v);
  }
  r.best_epoch = until;
  r.val_loss = r.best_val_loss = r.history.back().val_loss;
  r.train_loss = r.val_loss + 0.05;
  r.test = {0.05, 24.0, 0.9, std::nullopt};
  return r;
}

std::string spec_text(const std::string& method, int64_t trials, int64_t epochs, int64_t eta, bool multi_objective) {
  return fmt::format(
      R"(sweep: scale
seed: 1
data: {{height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {{size: 16}}}}
base:
  model: {{depth: 2}}
  train: {{epochs: {}, batch_size: 2}}
  loss: {{lpips: 0}}
search:
  method: {}
  trials: {}{}
  space:
    train.lr: {{loguniform: [1.0e-4, 1.0e-1]}}
    model.width: {{int: [4, 16]}}
    loss.ssim: {{uniform: [0.5, 2.0]}}
early_stopping: {{method: asha, {}min_epochs: 1, reduction_factor: {}}}
)",
      epochs, method, trials,
      multi_objective ? "\n  objectives: [{metric: val_psnr, mode: max}, {metric: params, mode: min}]" : "",
      multi_objective ? "" : "metric: val_psnr, ", eta);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"the coordinator's cost per trial with a scripted trainer (no training)"};
  std::string method = "random", db = "bench_coordinator.db";
  int64_t trials = 100, epochs = 9, eta = 3;
  bool multi_objective = false;
  app.add_option("--method", method, "random, sobol or tpe")->check(CLI::IsMember(kind_names<SearchMethod>()));
  app.add_option("--trials", trials, "trials to run")->check(CLI::PositiveNumber);
  app.add_option("--epochs", epochs, "train.epochs of each trial");
  app.add_option("--eta", eta, "ASHA's reduction factor");
  app.add_option("--db", db, "the store to create (removed first)");
  app.add_flag("--multi-objective", multi_objective, "search val_psnr (max) and params (min): MO-TPE / MO-ASHA");
  CLI11_PARSE(app, argc, argv);
  try {
    std::filesystem::remove(db);
    std::filesystem::remove(db + "-wal");
    std::filesystem::remove(db + "-shm");
    const std::filesystem::path root = std::filesystem::path(db).parent_path() / "bench_coordinator_results";
    const Spec spec = parse_spec(spec_text(method, trials, epochs, eta, multi_objective), "bench.yaml");
    const auto start = std::chrono::steady_clock::now();
    Store store(db);
    Progress progress(true, stdout);
    SweepBook book(store, spec, root, progress);
    book.open(plan_runs(spec), SweepOptions{});
    book.prepare_data([](const DataConfig&, const std::filesystem::path& folder) {
      return PreparedDataFile{(folder / "pairs.bin").string(), "none"};
    });
    int64_t assignments = 0, booked = 0;
    while (std::optional<AssignMessage> a = book.next_assignment()) {
      const int64_t until = a->until_epoch > 0 ? a->until_epoch : epochs;
      const TrainResult r = scripted(a->config, until);
      for (int64_t e = 0; e < until; ++e) {  // as a worker reports each epoch
        book.on_epoch(EpochMessage{a->run_key, r.history[static_cast<size_t>(e)]});
        ++booked;
      }
      book.on_done(DoneMessage{a->run_key, r});
      ++assignments;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double best = INFINITY;
    for (const RunRecord& r : store.runs("scale")) {
      for (const EpochRecord& e : store.epochs(r.id)) {
        if (e.epoch == epochs) best = std::min(best, e.val_loss);
      }
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::cout << nlohmann::json{{"method", method},
                                {"multi_objective", multi_objective},
                                {"trials", store.trials("scale").size()},
                                {"assignments", assignments},
                                {"epochs", booked},
                                {"wall_s", wall},
                                {"ms_per_trial", 1000.0 * wall / static_cast<double>(trials)},
                                {"best_full_val_loss", best},
                                {"peak_rss_mib", static_cast<double>(usage.ru_maxrss) / 1024.0}}
                     .dump()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_coordinator: " << e.what() << "\n";
    return 1;
  }
}
