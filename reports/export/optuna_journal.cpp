// The journal: one CREATE_STUDY, then one CREATE_TRIAL per run.
#include "reports/export/optuna_journal.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "orchestrator/spec_format/canonical_spec.h"
#include "reports/export/export_objective.h"
#include "reports/export/sweep_settings.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;
namespace o = orchestrator;

// optuna.storages.journal._storage.JournalOperation, optuna.study.StudyDirection, optuna.trial.TrialState.
constexpr int kCreateStudy = 0, kCreateTrial = 4;
constexpr int kMinimize = 1, kMaximize = 2;
enum TrialState { kRunning = 0, kComplete = 1, kPruned = 2, kFail = 3, kWaiting = 4 };
const char* const kWorker = "bokeh-sweep-export";

// Unix seconds as datetime.isoformat(timespec="microseconds") writes a UTC time.
std::string iso_time(double unix_seconds) {
  const auto whole = static_cast<std::time_t>(std::floor(unix_seconds));
  const auto micros = static_cast<int64_t>(std::llround((unix_seconds - std::floor(unix_seconds)) * 1e6));
  std::tm utc{};
  gmtime_r(&whole, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}+00:00", utc, std::min<int64_t>(micros, 999999));
}

// optuna.distributions.distribution_to_json of the setting's distribution.
std::string distribution_json(const SettingDomain& d) {
  if (!d.range) return json{{"name", "CategoricalDistribution"}, {"attributes", {{"choices", d.values}}}}.dump();
  if (d.integer) {
    const auto low = static_cast<int64_t>(std::ceil(d.low)), high = static_cast<int64_t>(std::floor(d.high));
    return json{{"name", "IntDistribution"},
                {"attributes", {{"low", low}, {"high", high}, {"log", d.log}, {"step", 1}}}}
        .dump();
  }
  return json{{"name", "FloatDistribution"},
              {"attributes", {{"low", d.low}, {"high", d.high}, {"log", d.log}, {"step", nullptr}}}}
      .dump();
}

// The value as Optuna stores it internally: the number, or a choice's index.
json internal_value(const SettingDomain& d, const json& value) {
  if (d.range) return value;
  return std::distance(d.values.begin(), std::find(d.values.begin(), d.values.end(), value));
}

int trial_state(o::RunState state) {
  switch (state) {
    case o::RunState::Done:
      return kComplete;
    case o::RunState::Stopped:
      return kPruned;
    case o::RunState::Failed:
      return kFail;
    case o::RunState::Running:
      return kRunning;
    case o::RunState::Pending:
      break;
  }
  return kWaiting;
}

// The trial's values: COMPLETE: each per-epoch objective at its best epoch; PRUNED: at its last epoch
// (Optuna's study.tell gives a pruned trial its last intermediate value); a fixed objective the run's own;
// otherwise none.
json trial_values(int state, const std::vector<ExportObjective>& objectives, const o::RunRecord& run,
                  const std::vector<o::EpochRecord>& epochs) {
  if (state != kComplete && state != kPruned) return nullptr;
  json values = json::array();
  for (const ExportObjective& objective : objectives) {
    const std::optional<double> value = objective.fixed      ? fixed_value(objective, run)
                                        : state == kComplete ? objective_best(objective, epochs)
                                                             : objective_last(objective, epochs);
    if (!value) return nullptr;
    values.push_back(*value);
  }
  return values;
}

json create_trial(const o::SweepInfo& sweep, const o::RunRecord& run, const std::vector<o::EpochRecord>& epochs,
                  const SweepSettings& settings, const json& flat, const std::vector<ExportObjective>& objectives) {
  int state = trial_state(run.state);
  json values = trial_values(state, objectives, run, epochs);
  json user_attrs = {{"run_name", run.name}, {"run_key", run.key}};
  if (state == kComplete && values.is_null()) {  // COMPLETE needs a value: say why it is not one
    state = kFail;
    user_attrs["export_note"] = "done, but no epoch has the objective's figure: exported as FAIL";
  }
  json trial = {{"op_code", kCreateTrial}, {"worker_id", kWorker}, {"study_id", 0}, {"state", state}};
  trial["value"] = values.size() == 1 ? values[0] : json(nullptr);
  trial["values"] = values.size() > 1 ? values : json(nullptr);
  trial["datetime_start"] = state == kWaiting ? json(nullptr) : json(iso_time(run.started.value_or(sweep.created)));
  if (state == kComplete || state == kPruned || state == kFail)
    trial["datetime_complete"] = iso_time(run.finished.value_or(run.started.value_or(sweep.created)));
  json distributions = json::object(), params = json::object();
  for (const SettingDomain& d : settings.varied) {
    const auto it = flat.find(d.path);
    if (it == flat.end()) continue;
    distributions[d.path] = distribution_json(d);
    params[d.path] = internal_value(d, *it);
  }
  json intermediate = json::object();  // Optuna reports intermediate values of single-objective studies only
  for (const o::EpochRecord& e : objectives.size() == 1 ? epochs : std::vector<o::EpochRecord>{}) {
    if (const std::optional<double> v = objective_at(objectives.front(), e)) intermediate[std::to_string(e.epoch)] = *v;
  }
  trial["distributions"] = distributions;
  trial["params"] = params;
  trial["intermediate_values"] = intermediate;
  trial["user_attrs"] = user_attrs;
  trial["system_attrs"] = json::object();
  return trial;
}

}  // namespace

std::string optuna_journal(const o::StoreReader& store, const o::SweepInfo& sweep) {
  const std::vector<o::RunRecord> runs = store.runs(sweep.name);
  if (runs.empty()) throw ReportInputError(fmt::format("sweep \"{}\" has no runs yet: nothing to export", sweep.name));
  const o::StoredSpec spec = o::read_stored_spec(sweep.spec_json);
  const SweepSettings settings = sweep_settings(spec, runs);
  const std::vector<ExportObjective> objectives = export_objectives(spec);
  json directions = json::array();
  for (const ExportObjective& objective : objectives)
    directions.push_back(objective.better == common::Better::Higher ? kMaximize : kMinimize);
  std::string out =
      json{{"op_code", kCreateStudy}, {"worker_id", kWorker}, {"study_name", sweep.name}, {"directions", directions}}
          .dump() +
      "\n";
  for (size_t i = 0; i < runs.size(); ++i)
    out += create_trial(sweep, runs[i], store.epochs(runs[i].id), settings, settings.runs[i], objectives).dump() + "\n";
  return out;
}

}  // namespace bokeh::reports
