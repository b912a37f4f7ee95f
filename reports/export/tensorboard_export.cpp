// A sweep's runs as TensorBoard event files (TFRecords of Event messages).
#include "reports/export/tensorboard_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/result_figures.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "reports/export/sweep_settings.h"
#include "reports/export/tensorboard_events.h"
#include "reports/export/tfrecord.h"
#include "reports/tables/epoch_figures.h"
#include "reports/tables/report_error.h"
#include "reports/tables/run_summary.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;
namespace o = orchestrator;

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// TensorBoard types an hparam by its values: numbers or booleans stay so, a mix is written as text.
bool as_text(const SettingDomain& domain) {
  if (domain.range) return false;
  const auto all = [&](auto is) { return std::all_of(domain.values.begin(), domain.values.end(), is); };
  return !all([](const json& v) { return v.is_number(); }) && !all([](const json& v) { return v.is_boolean(); });
}

HParamColumn column_of(const SettingDomain& domain) {
  HParamColumn column;
  column.name = domain.path;
  column.differs = domain.differs;
  column.interval = domain.range;
  column.min = domain.low;
  column.max = domain.high;
  for (const json& v : domain.values) column.values.push_back(as_text(domain) ? json(text_of(v)) : v);
  return column;
}

// The run's folder: its name where that is a plain, unique file name, else its key.
std::string run_folder(const o::RunRecord& run, const std::vector<o::RunRecord>& runs) {
  const std::string& name = run.name;
  const bool plain =
      !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
      std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  const auto same = std::count_if(runs.begin(), runs.end(), [&](const o::RunRecord& r) { return r.name == name; });
  return plain && same == 1 ? name : run.key;
}

SessionStatus status_of(o::RunState state) {
  switch (state) {
    case o::RunState::Done:
    case o::RunState::Stopped:  // stopped early by ASHA: its training ended with results
      return SessionStatus::Success;
    case o::RunState::Failed:
      return SessionStatus::Failure;
    case o::RunState::Running:
      return SessionStatus::Running;
    case o::RunState::Pending:
      break;
  }
  return SessionStatus::Unknown;
}

std::string events_name(double wall_time, const std::string& host) {
  return fmt::format("events.out.tfevents.{}.{}", static_cast<int64_t>(std::floor(wall_time)), host);
}

// The result figures of the runs, by name: each that some run has, in the result-figures table's order.
std::vector<std::string> final_figures(const std::vector<RunSummary>& runs) {
  std::vector<std::string> names;
  for (const common::ResultFigure& figure : common::result_figure_table()) {
    const bool some =
        std::any_of(runs.begin(), runs.end(), [&](const RunSummary& r) { return r.results.count(figure.name) > 0; });
    if (some) names.push_back(figure.name);
  }
  return names;
}

// One run's event file. Wall times: the store keeps each epoch's seconds, not its clock time, so an
// epoch's is the run's latest start plus the seconds of the epochs up to it.
std::string run_events(const o::SweepInfo& sweep, const o::RunRecord& record, const RunSummary& run,
                       const std::vector<o::EpochRecord>& epochs, const std::map<std::string, json>& hparams,
                       const std::vector<std::string>& figures) {
  const double start = record.started.value_or(sweep.created);
  std::string out = tfrecord(file_version_event(start)) + tfrecord(session_start_event(start, hparams));
  double clock = start;
  for (const o::EpochRecord& e : epochs) {
    clock += e.seconds;
    for (const std::string& name : epoch_figure_names()) {
      if (const std::optional<double> value = epoch_figure(e, name))
        out += tfrecord(scalar_event(clock, e.epoch, "epoch/" + name, *value));
    }
    out += tfrecord(scalar_event(clock, e.epoch, "epoch/lr", e.lr));
    out += tfrecord(scalar_event(clock, e.epoch, "epoch/images_per_second", e.images_per_second));
  }
  const int64_t last = epochs.empty() ? 0 : epochs.back().epoch;
  const double end = record.finished.value_or(clock);
  for (const std::string& name : figures) {
    if (const std::optional<double> value = run_figure(run, name))
      out += tfrecord(scalar_event(end, last, "final/" + name, *value));
  }
  if (status_of(record.state) != SessionStatus::Unknown)
    out += tfrecord(session_end_event(end, status_of(record.state)));
  return out;
}

}  // namespace

std::vector<ExportFile> tensorboard_files(const o::StoreReader& store, const o::SweepInfo& sweep,
                                          const std::string& host) {
  const std::vector<o::RunRecord> records = store.runs(sweep.name);
  if (records.empty())
    throw ReportInputError(fmt::format("sweep \"{}\" has no runs yet: nothing to export", sweep.name));
  const SweepSettings settings = sweep_settings(o::read_stored_spec(sweep.spec_json), records);
  std::vector<RunSummary> runs;
  for (const o::RunRecord& r : records) runs.push_back(summarize_run(r));
  const std::vector<std::string> figures = final_figures(runs);

  std::vector<HParamColumn> columns;
  for (const SettingDomain& domain : settings.varied) columns.push_back(column_of(domain));
  std::vector<std::string> metric_tags;
  for (const std::string& name : figures) metric_tags.push_back("final/" + name);
  std::vector<ExportFile> files;
  files.push_back(
      {events_name(sweep.created, host),
       tfrecord(file_version_event(sweep.created)) + tfrecord(experiment_event(sweep.created, columns, metric_tags))});
  for (size_t i = 0; i < records.size(); ++i) {
    std::map<std::string, json> hparams;
    for (const SettingDomain& domain : settings.varied) {
      const auto it = settings.runs[i].find(domain.path);
      if (it != settings.runs[i].end()) hparams[domain.path] = as_text(domain) ? json(text_of(*it)) : *it;
    }
    const o::RunRecord& record = records[i];
    files.push_back(
        {std::filesystem::path(run_folder(record, records)) / events_name(record.started.value_or(sweep.created), host),
         run_events(sweep, record, runs[i], store.epochs(record.id), hparams, figures)});
  }
  return files;
}

}  // namespace bokeh::reports
