// hpo_fidelity_driver: our ASHA (with random or TPE trials) on a multi-fidelity objective evaluated by
// another process, through the coordinator's own bookkeeping (SweepBook on a real SQLite store, as
// bench_coordinator): lazy draws, ASHA's rungs, pauses and promotions, TPE learning per rung, the sweep
// stopping once its runs hold search.budget_epochs epochs. The space is three settings uniform on [1, 2]
// (x = value - 1 in the unit cube), a run's epoch is the fidelity, train.epochs the highest one. For each
// assignment it writes `eval X0 X1 X2 FROM TO` on stdout (the epochs the run trains now, one worker) and
// reads the objective at each of them from stdin, one line of TO - FROM + 1 numbers (bench/hpo_fidelity
// evaluates them). Ends with `done TRIALS EPOCHS`.
//
//   hpo_fidelity_driver --method random|tpe --seed S --budget 2000 --db FILE [--epochs 100] [--eta 3]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "common/run_settings.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/sweep/sweep_book.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {

const std::vector<std::string> kSettings = {"loss.l1", "loss.ssim", "train.weight_decay"};  // X0, X1, X2

std::string spec_text(const std::string& method, uint64_t seed, int64_t budget, int64_t epochs, int64_t eta) {
  return fmt::format(R"(sweep: fidelity
seed: {}
data: {{height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {{size: 16}}}}
base:
  model: {{width: 4, depth: 2}}
  train: {{epochs: {}, batch_size: 2}}
  loss: {{lpips: 0}}
search:
  method: {}
  budget_epochs: {}
  space:
    {}: {{uniform: [1.0, 2.0]}}
    {}: {{uniform: [1.0, 2.0]}}
    {}: {{uniform: [1.0, 2.0]}}
early_stopping: {{method: asha, metric: val_l1, min_epochs: 1, reduction_factor: {}}}
)",
                     seed, epochs, method, budget, kSettings[0], kSettings[1], kSettings[2], eta);
}

// The objective at epochs from..to of point x, from the evaluating process.
std::vector<double> evaluate(const std::vector<double>& x, int64_t from, int64_t to) {
  std::cout << fmt::format("eval {:.17g} {:.17g} {:.17g} {} {}", x[0], x[1], x[2], from, to) << std::endl;
  std::string line;
  if (!std::getline(std::cin, line)) throw std::runtime_error("the evaluator closed its answers");
  std::istringstream words(line);
  std::vector<double> values;
  for (double v; words >> v;) values.push_back(v);
  if (values.size() != static_cast<size_t>(to - from + 1))
    throw std::runtime_error(
        fmt::format("the evaluator answered {} values for epochs {}..{}", values.size(), from, to));
  return values;
}

TrainResult result_of(const std::vector<double>& curve) {
  TrainResult r{};
  r.epochs = static_cast<int64_t>(curve.size());
  r.best_epoch = 1;
  for (size_t e = 0; e < curve.size(); ++e) {
    r.history.push_back(EpochFigures{static_cast<int64_t>(e) + 1, curve[e], curve[e], 0.0, 1e-3, 0.0, 0.0});
    // The objective, as a comparable figure: the space samples loss weights, whose losses do not compare.
    r.history.back().val_l1 = curve[e];
    if (curve[e] < curve[static_cast<size_t>(r.best_epoch - 1)]) r.best_epoch = static_cast<int64_t>(e) + 1;
  }
  r.best_val_loss = curve[static_cast<size_t>(r.best_epoch - 1)];
  r.train_loss = r.val_loss = curve.back();
  r.test = {0.05, 24.0, 0.9, std::nullopt};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"our ASHA on a multi-fidelity objective evaluated over stdin/stdout"};
  std::string method = "tpe", db;
  uint64_t seed = 0;
  int64_t budget = 2000, epochs = 100, eta = 3;
  app.add_option("--method", method, "random or tpe")->check(CLI::IsMember({"random", "tpe"}));
  app.add_option("--seed", seed, "the sweep's seed");
  app.add_option("--budget", budget, "search.budget_epochs")->check(CLI::PositiveNumber);
  app.add_option("--epochs", epochs, "train.epochs: the highest fidelity");
  app.add_option("--eta", eta, "ASHA's reduction factor");
  app.add_option("--db", db, "the store to create (removed first)")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
    const Spec spec = parse_spec(spec_text(method, seed, budget, epochs, eta), "fidelity.yaml");
    Store store(db);
    Progress progress(true, stderr);
    SweepBook book(store, spec, std::filesystem::path(db).parent_path() / "fidelity_results", progress);
    book.open(plan_runs(spec), SweepOptions{});
    book.prepare_data([](const DataConfig&, const std::filesystem::path& folder) {
      return PreparedDataFile{(folder / "pairs.bin").string(), "none"};
    });
    std::map<std::string, std::vector<double>> curves;  // by run key: the objective at epochs 1.. trained so far
    int64_t trained = 0;
    while (std::optional<AssignMessage> a = book.next_assignment()) {
      const int64_t until = a->until_epoch > 0 ? a->until_epoch : epochs;
      std::vector<double>& curve = curves[a->run_key];
      std::vector<double> x;
      for (const std::string& s : kSettings) x.push_back(setting_value(a->config, s).get<double>() - 1.0);
      const int64_t from = static_cast<int64_t>(curve.size()) + 1;  // a promoted run goes on from its rung
      for (double v : evaluate(x, from, until)) curve.push_back(v);
      trained += until - from + 1;
      const TrainResult r = result_of(curve);
      for (int64_t e = from; e <= until; ++e)  // as a worker reports them, from its checkpoint's next epoch
        book.on_epoch(EpochMessage{a->run_key, r.history[static_cast<size_t>(e - 1)]});
      book.on_done(DoneMessage{a->run_key, r});
    }
    std::cout << "done " << store.trials("fidelity").size() << " " << trained << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hpo_fidelity_driver: " << e.what() << "\n";
    return 1;
  }
}
