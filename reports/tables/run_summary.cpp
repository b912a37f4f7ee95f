// Reading a run's config and results JSON into a RunSummary, its result figures by name; choosing a
// sweep's best run.
#include "reports/tables/run_summary.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/result_figures.h"
#include "common/result_json.h"
#include "common/run_settings.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;

// The run's settings; ReportError naming the run and the setting its config lacks or mistypes.
common::TrainConfig train_config(const json& config, const orchestrator::RunRecord& record) {
  try {
    return common::train_config_from_json(config);
  } catch (const common::ConfigKeyError& e) {
    const std::string problem = e.missing() ? fmt::format("its config lacks {}", e.key())
                                            : fmt::format("{} has the wrong type ({})", e.key(), e.found());
    throw ReportError(fmt::format("run \"{}\" of sweep \"{}\": {}", record.name, record.sweep, problem));
  }
}

}  // namespace

RunSummary summarize_run(const orchestrator::RunRecord& record) {
  RunSummary s;
  s.id = record.id;
  s.name = record.name;
  s.key = record.key;
  s.state = record.state;
  s.attempts = record.attempts;
  s.error = record.error;
  s.cost = record.cost;
  s.params = record.params;

  const json config = json::parse(record.config_json, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) {
    throw ReportError(
        fmt::format("run \"{}\" of sweep \"{}\": its config is not a JSON object", record.name, record.sweep));
  }
  s.repeat = common::config_repeat(config);
  s.group = common::config_without_repeat(config).dump();
  const common::TrainConfig train = train_config(config, record);
  s.model = train.model;
  s.augment = train.augment;
  s.lr = train.lr;
  s.batch_size = train.batch_size;
  s.epochs = train.epochs;
  s.weight_decay = train.weight_decay;
  s.scheduler = train.scheduler;
  s.lambda_l1 = train.loss.l1;
  s.lambda_ssim = train.loss.ssim;
  s.lambda_lpips = train.loss.lpips;
  s.precision = train.precision;

  const bool stopped = record.state == orchestrator::RunState::Stopped;
  if (record.state != orchestrator::RunState::Done && !stopped) return s;
  const json results = json::parse(record.results_json, nullptr, /*allow_exceptions=*/false);
  if (!results.is_object()) {
    throw ReportError(fmt::format("run \"{}\" of sweep \"{}\": {}, but its results are not a JSON object", record.name,
                                  record.sweep, orchestrator::to_string(record.state)));
  }
  const common::ResultFigures figures = common::result_figures_from_json(results);
  if (stopped) s.stopped_rung = record.rung;
  s.epochs_trained = figures.epochs;
  if (figures.precision) s.precision = *figures.precision;
  s.libtorch = figures.libtorch.value_or("");
  s.inference_device = figures.inference_device.value_or("");
  // The figures shown as stored (their name is their results key); runtime in minutes, the record's
  // where the results lack it.
  for (const common::ResultFigure& f : common::result_figure_table()) {
    if (f.result && (f.name == f.json_key || f.json_key.empty())) set_run_figure(s, f.name, figures.*f.result);
  }
  set_run_figure(s, "runtime_min", figures.runtime_seconds.value_or(record.runtime_s) / 60.0);
  return s;
}

std::optional<double> run_figure(const RunSummary& run, const std::string& figure) {
  const auto it = run.results.find(figure);
  return it == run.results.end() ? std::nullopt : std::optional<double>(it->second);
}

void set_run_figure(RunSummary& run, const std::string& figure, std::optional<double> value) {
  if (value)
    run.results[figure] = *value;
  else
    run.results.erase(figure);
}

json flat_settings(const std::string& config_json) {
  const json config = json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  json out = json::object();
  if (!config.is_object()) return out;
  const json flat = common::config_without_repeat(config).flatten();  // {"/model/width": 32, ...}
  for (const auto& [pointer, value] : flat.items()) {
    std::string key = pointer.substr(1);
    std::replace(key.begin(), key.end(), '/', '.');
    out[key] = value;
  }
  return out;
}

std::string state_text(const RunSummary& run) {
  if (!run.stopped_rung) return orchestrator::to_string(run.state);
  return run.epochs_trained ? fmt::format("stopped at rung {} (epoch {})", *run.stopped_rung, *run.epochs_trained)
                            : fmt::format("stopped at rung {}", *run.stopped_rung);
}

std::vector<RunSummary> summarize_sweep(const orchestrator::StoreReader& store, const std::string& sweep) {
  std::vector<RunSummary> out;
  for (const orchestrator::RunRecord& r : store.runs(sweep)) out.push_back(summarize_run(r));
  if (out.empty()) throw ReportError(fmt::format("sweep \"{}\" has no runs yet", sweep));
  return out;
}

std::optional<double> ranking_loss(const RunSummary& run) {
  const std::optional<double> best = run_figure(run, "best_val_loss");
  return best ? best : run_figure(run, "val_loss");
}

std::optional<double> selection_cost(const RunSummary& run, const common::Objective& objective) {
  std::optional<double> value = run_figure(run, common::best_epoch_figure(objective));
  if (!value) value = run_figure(run, objective.metric);
  if (!value || std::isnan(*value)) return std::nullopt;
  return common::value_cost(objective, *value);
}

const RunSummary* best_run(const std::vector<RunSummary>& runs, const common::Objective& objective,
                           orchestrator::RunState state) {
  const RunSummary* best = nullptr;
  std::optional<double> best_cost;
  for (const RunSummary& r : runs) {
    if (r.state != state) continue;
    const std::optional<double> cost = selection_cost(r, objective);
    if (cost && (!best || *cost < *best_cost)) {
      best = &r;
      best_cost = cost;
    }
  }
  return best;
}

const RunSummary& find_run(const std::vector<RunSummary>& runs, const std::string& name, const std::string& sweep,
                           const common::Objective& objective) {
  if (name == "best") {
    std::vector<const RunSummary*> all;
    for (const RunSummary& r : runs) all.push_back(&r);
    const std::string figure = common::best_epoch_figure(objective);
    check_comparable(all, figure.empty() ? objective.metric : figure, "the best run is chosen by " + objective.metric);
    if (const RunSummary* best = best_run(runs, objective)) return *best;
    throw ReportError(
        fmt::format("sweep \"{}\" has no finished run with {} yet, so no best run", sweep, objective.metric));
  }
  std::vector<std::string> names;
  for (const RunSummary& r : runs) {
    if (r.name == name) return r;
    names.push_back(r.name);
  }
  throw ReportError(
      fmt::format("sweep \"{}\" has no run named \"{}\" (runs: {})", sweep, name, fmt::join(names, ", ")));
}

namespace {
std::set<std::string> loss_weights(const std::vector<const RunSummary*>& runs) {
  std::set<std::string> weights;
  for (const RunSummary* r : runs)
    weights.insert(fmt::format("({:g}, {:g}, {:g})", r->lambda_l1, r->lambda_ssim, r->lambda_lpips));
  return weights;
}
}  // namespace

bool differ_in_loss_weights(const std::vector<const RunSummary*>& runs) { return loss_weights(runs).size() > 1; }

void check_comparable(const std::vector<const RunSummary*>& runs, const std::string& figure, const std::string& what) {
  if (!common::loss_weighted_figure(figure) || !differ_in_loss_weights(runs)) return;
  const std::set<std::string> weights = loss_weights(runs);
  throw ReportInputError(fmt::format(
      "{}: {} is each run's own weighted loss, and the runs differ in their loss weights (λ1, λ2, λ3: {}), so a "
      "smaller weight wins without a better pixel; compare them by {} (e.g. val_psnr)",
      what, figure, fmt::join(weights, ", "), fmt::join(common::comparable_objective_names(), ", ")));
}

std::string selection_text(const common::Objective& objective) {
  const common::ResultFigure* best = common::find_result_figure(common::best_epoch_figure(objective));
  const std::string header = best ? best->header : objective.metric;
  return fmt::format("the {} {}", objective.higher_is_better ? "highest" : "lowest", header);
}

}  // namespace bokeh::reports
