// One run as the reports see it: its settings (from the canonical config JSON) and, once done, its
// results (from the results JSON), each figure optional so that a missing one prints as "–"; its result
// figures also by name (common/result_figures.h).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/objective.h"
#include "common/run_config.h"
#include "store/store_reader.h"

namespace bokeh::reports {

struct RunSummary {
  int64_t id = 0;
  std::string name;
  std::string key;
  orchestrator::RunState state = orchestrator::RunState::Pending;
  int64_t attempts = 0;
  std::string error;  // the last failure, "" if none
  double cost = 0;    // estimated FLOPs
  // Repeats (`repeats: K`): the 0-based repeat and its configuration (the config JSON without its
  // repeat index: the same text for every repeat of one configuration).
  int64_t repeat = 0;
  std::string group;

  // Settings.
  common::ModelConfig model;
  bool augment = false;
  double lr = 0;
  int64_t batch_size = 0;
  int64_t epochs = 0;  // planned
  double weight_decay = 0;
  common::SchedulerConfig scheduler;
  double lambda_l1 = 0, lambda_ssim = 0, lambda_lpips = 0;
  int64_t params = 0;
  // The forward pass's precision: as trained (fp32, bf16, fp16) once there are results, until then
  // the train.precision setting (auto: bf16 on GPUs that support it, else fp32).
  std::string precision;
  std::string libtorch;  // the version that trained it, once there are results ("" for results older than the field)
  std::string inference_device;  // where its inference figures were measured ("" where not measured)

  // Early stopping: the rung a stopped run stopped at, and the epochs it trained.
  std::optional<int64_t> stopped_rung;
  std::optional<int64_t> epochs_trained;

  // Results (set for done runs and runs stopped early): each result figure by its name in
  // common/result_figures.h (the losses the last epoch's, as the study's tables print them; the best
  // epoch's validation loss the weights in best.pt, tested and rendered; runtime in minutes). A figure
  // the run lacks is absent; run_figure() reads one.
  std::map<std::string, double> results;
};

// A result figure of `run` by its name in common/result_figures.h (runtime_min, train_loss, ...); nullopt
// where the run lacks it. set_run_figure(): nullopt removes it.
std::optional<double> run_figure(const RunSummary& run, const std::string& figure);
void set_run_figure(RunSummary& run, const std::string& figure, std::optional<double> value);

// A run's settings as dotted keys ("model.width": 32) from its canonical config JSON; its repeat index
// ("repeat", see common/run_settings.h) is not a setting and is left out. {} for text that
// is not a JSON object.
nlohmann::json flat_settings(const std::string& config_json);

// "done", "running", ..., or "stopped at rung 1 (epoch 3)".
std::string state_text(const RunSummary& run);

// Throws ReportError naming the run when its config JSON is not a run config.
RunSummary summarize_run(const orchestrator::RunRecord& record);

// Every run of the sweep, in the order they were added; ReportError when the sweep has none.
std::vector<RunSummary> summarize_sweep(const orchestrator::StoreReader& store, const std::string& sweep);

// The best epoch's validation loss (the last epoch's when the results lack it); nullopt for a run without
// results.
std::optional<double> ranking_loss(const RunSummary& run);

// What runs are chosen by for `objective`: its value at the run's best epoch (best_val_psnr, best_val_loss;
// the last epoch's where the results lack it), as a cost (lower better); nullopt for a run without it.
std::optional<double> selection_cost(const RunSummary& run, const common::Objective& objective);

// The run a sweep calls best by `objective` (common/objective.h; val_loss unless the sweep chooses
// another): the done run with the best selection_cost() (ties: the earlier run); nullptr when no run is
// done. `state` Stopped: the same among the runs stopped early.
const RunSummary* best_run(const std::vector<RunSummary>& runs, const common::Objective& objective = {},
                           orchestrator::RunState state = orchestrator::RunState::Done);

// The run named `name` ("best" = best_run() by `objective`, refused as check_comparable() refuses); ReportError
// listing the names when unknown.
const RunSummary& find_run(const std::vector<RunSummary>& runs, const std::string& name, const std::string& sweep,
                           const common::Objective& objective = {});

// Whether `runs` differ in their loss weights (λ1, λ2, λ3): then their losses do not compare.
bool differ_in_loss_weights(const std::vector<const RunSummary*>& runs);

// ReportInputError when the run figure `figure` is a loss (common::loss_weighted_figure) and `runs` differ in
// their loss weights: each run's loss is its own weighted sum. `what` names who compares ("--y val_loss").
void check_comparable(const std::vector<const RunSummary*>& runs, const std::string& figure, const std::string& what);

// "best Val_PSNR (the validation PSNR at Best_Epoch ...)": how a table's note names what chose its rows.
std::string selection_text(const common::Objective& objective);

}  // namespace bokeh::reports
