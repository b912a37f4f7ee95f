// Run selection and data gathering for the curve and sample figures.
#include "reports/figures/report_figures.h"
#include "reports/figures/sample_selection.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

#include "common/objective.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"
#include "training/checkpoint.h"
#include "training/data/prepared_data.h"

namespace bokeh::reports {
namespace {

// The named runs, in the order given.
std::vector<const RunSummary*> named_runs(const std::vector<RunSummary>& runs, const std::vector<std::string>& names,
                                          const std::string& sweep) {
  std::vector<const RunSummary*> out;
  for (const std::string& name : names) out.push_back(&find_run(runs, name, sweep));
  return out;
}

// The `count` candidates with the lowest `loss`, kept in the sweep's order.
template <typename Loss>
std::vector<const RunSummary*> lowest(std::vector<const RunSummary*> candidates, size_t count, Loss loss) {
  if (candidates.size() <= count) return candidates;
  std::vector<const RunSummary*> ranked = candidates;
  std::stable_sort(ranked.begin(), ranked.end(), [&](auto* a, auto* b) { return loss(*a) < loss(*b); });
  ranked.resize(count);
  std::vector<const RunSummary*> out;
  for (const RunSummary* r : candidates) {
    if (std::find(ranked.begin(), ranked.end(), r) != ranked.end()) out.push_back(r);
  }
  return out;
}

// The first `count` of `candidates`, in the sweep's order.
std::vector<const RunSummary*> first(std::vector<const RunSummary*> candidates, size_t count) {
  candidates.resize(std::min(count, candidates.size()));
  return candidates;
}

// Whether `objective` ranks `runs`: not a loss over runs of different loss weights.
bool comparable(const std::vector<const RunSummary*>& runs, const common::Objective& objective) {
  return !(common::loss_weighted(objective) && differ_in_loss_weights(runs));
}

// How the note names the runs a figure shows by default.
std::string chosen_text(const common::Objective& objective, bool ranked) {
  if (!ranked) return "first in the sweep's order (their loss weights differ, so their losses do not rank them)";
  if (objective == common::Objective{}) return "with the lowest validation loss";
  return fmt::format("with the best {} ({} is better)", objective.metric,
                     objective.higher_is_better ? "higher" : "lower");
}

// The sweep's prepared data, as the sweep recorded it: opened read-only, never built here (a missing or
// unusable file is said, with what rebuilds it).
std::shared_ptr<const training::PreparedData> sweep_data(const orchestrator::SweepInfo& sweep) {
  const char* const again = "run the sweep again (sweep <its spec>) to prepare it";
  if (sweep.data_file.empty())
    throw ReportError(fmt::format("sweep {} has no prepared data on record: {}", sweep.name, again));
  if (!std::filesystem::exists(sweep.data_file))
    throw ReportError(fmt::format("sweep {}'s prepared data {} is missing: {}", sweep.name, sweep.data_file, again));
  try {
    return training::PreparedData::open(sweep.data_file);
  } catch (const std::runtime_error& e) {
    throw ReportError(fmt::format("sweep {}'s prepared data is unusable ({}): {}", sweep.name, e.what(), again));
  }
}

}  // namespace

FigureResult make_curves_figure(const orchestrator::StoreReader& store, const FigureRequest& request) {
  const orchestrator::SweepInfo sweep = sweep_or_latest(store, request.sweep);
  const std::vector<RunSummary> runs = summarize_sweep(store, sweep.name);
  std::vector<CurveSeries> all;
  for (const RunSummary& r : runs)
    all.push_back(CurveSeries{r.name, store.epochs(r.id), r.stopped_rung ? state_text(r) : ""});
  const auto series_of = [&](const RunSummary& r) -> const CurveSeries& { return all[&r - runs.data()]; };
  const common::Objective objective = orchestrator::read_stored_spec(sweep.spec_json).selection;
  const auto best_cost = [&](const RunSummary& r) {  // the objective's best over the epochs recorded
    double best = std::numeric_limits<double>::infinity();
    for (const orchestrator::EpochRecord& e : series_of(r).epochs)
      best = std::min(best, common::objective_cost(objective, orchestrator::epoch_figures(e)));
    return best;
  };

  std::vector<const RunSummary*> chosen;
  FigureResult result;
  if (!request.runs.empty()) {
    chosen = named_runs(runs, request.runs, sweep.name);
  } else {
    std::vector<const RunSummary*> with_epochs;
    for (const RunSummary& r : runs) {
      if (!series_of(r).epochs.empty()) with_epochs.push_back(&r);
    }
    if (with_epochs.empty()) throw ReportError(fmt::format("no run of sweep {} has recorded an epoch yet", sweep.name));
    const bool ranked = comparable(with_epochs, objective);
    chosen = ranked ? lowest(with_epochs, kDefaultCurveRuns, best_cost) : first(with_epochs, kDefaultCurveRuns);
    if (chosen.size() < with_epochs.size()) {
      result.notes.push_back(fmt::format("plotted the {} of {} runs {}; choose others with --runs", chosen.size(),
                                         with_epochs.size(), chosen_text(objective, ranked)));
    }
  }
  std::vector<CurveSeries> series;
  for (const RunSummary* r : chosen) series.push_back(series_of(*r));
  const std::string title = request.figure == kLossCurves
                                ? fmt::format("Sweep {}: training (dashed) and validation loss", sweep.name)
                                : fmt::format("Sweep {}: {} per epoch", sweep.name, request.figure);
  result.png =
      write_curves_figure(series, title, request.out_dir, sweep.name + "-curves", request.size, request.figure);
  return result;
}

SampleSelection select_samples(const orchestrator::StoreReader& store, const FigureRequest& request) {
  const orchestrator::SweepInfo sweep = sweep_or_latest(store, request.sweep);
  const std::vector<RunSummary> runs = summarize_sweep(store, sweep.name);
  const auto best_weights = [&](const RunSummary& r) {
    return orchestrator::run_checkpoint_dir(request.results_root, sweep.name, r.key) / common::kBestWeights;
  };

  SampleSelection result;
  result.sweep = sweep.name;
  std::vector<const RunSummary*> chosen;
  if (!request.runs.empty()) {
    chosen = named_runs(runs, request.runs, sweep.name);
    for (const RunSummary* r : chosen) {
      if (!std::filesystem::exists(best_weights(*r))) {
        throw ReportError(fmt::format("run \"{}\" ({}) has no checkpoint: {} is missing", r->name,
                                      orchestrator::to_string(r->state), best_weights(*r).string()));
      }
    }
  } else {
    std::vector<const RunSummary*> ready;
    for (const RunSummary& r : runs) {
      if (r.state != orchestrator::RunState::Done) continue;
      if (std::filesystem::exists(best_weights(r)))
        ready.push_back(&r);
      else
        result.notes.push_back(
            fmt::format("run \"{}\" left out: no checkpoint at {}", r.name, best_weights(r).string()));
    }
    if (ready.empty()) {
      throw ReportError(
          fmt::format("no finished run of sweep {} has a checkpoint under {}", sweep.name,
                      (orchestrator::sweep_folder(request.results_root, sweep.name) / "checkpoints").string()));
    }
    const common::Objective objective = orchestrator::read_stored_spec(sweep.spec_json).selection;
    chosen = comparable(ready, objective)
                 ? lowest(ready, kDefaultSampleRuns,
                          [&](const RunSummary& r) {
                            return selection_cost(r, objective).value_or(std::numeric_limits<double>::infinity());
                          })
                 : first(ready, kDefaultSampleRuns);
  }

  const std::shared_ptr<const training::PreparedData> data = sweep_data(sweep);
  const int64_t n = std::min(request.images, data->size(training::Split::test));
  if (n <= 0) throw ReportError(fmt::format("sweep {} has no test images to show", sweep.name));
  for (const RunSummary* r : chosen) {
    result.columns.push_back(
        SampleColumn{r->name, training::load_best_model(best_weights(*r).parent_path(), r->model)});
  }
  result.inputs = data->inputs(training::Split::test).slice(0, 0, n);
  result.targets = data->targets(training::Split::test).slice(0, 0, n);
  return result;
}

FigureResult make_samples_figure(const orchestrator::StoreReader& store, const FigureRequest& request) {
  SampleSelection samples = select_samples(store, request);
  FigureResult result;
  result.notes = samples.notes;
  result.png = write_samples_figure(samples.inputs, samples.targets, samples.columns, request.out_dir,
                                    samples.sweep + "-samples");
  return result;
}

}  // namespace bokeh::reports
