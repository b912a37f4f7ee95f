// The trials table and the rung counts of a sweep with sampled trials or early stopping.
#include "reports/tables/search_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "common/asha_rungs.h"
#include "common/run_settings.h"
#include "reports/tables/epoch_figures.h"
#include "orchestrator/spec_format/canonical_spec.h"

namespace bokeh::reports {
namespace {

// What ASHA ranks a rung by: its metric, or the fronts of several objectives ("the fronts of val_psnr (max)
// and params (min)").
std::string ranked_by(const orchestrator::EarlyStopping& es) {
  if (es.objectives.empty()) return es.metric.metric;
  std::vector<std::string> parts;
  for (const common::Objective& o : es.objectives)
    parts.push_back(fmt::format("{} ({})", o.metric, o.higher_is_better ? "max" : "min"));
  return "the fronts of " + fmt::format("{}", fmt::join(parts, " and "));
}

using nlohmann::json;

// A config's leaves by dotted path.
void flatten(const json& node, const std::string& prefix, std::map<std::string, json>& out) {
  if (!node.is_object()) {
    out[prefix] = node;
    return;
  }
  for (const auto& [key, value] : node.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, out);
}

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.4g}", v.get<double>());
  return v.dump();
}

}  // namespace

Table trials_table(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep,
                   const std::vector<RunSummary>& runs) {
  const orchestrator::StoredSpec spec = orchestrator::read_stored_spec(sweep.spec_json);
  std::vector<std::map<std::string, json>> configs;
  std::map<int64_t, int64_t> rungs;  // run id -> the rungs it went on past
  for (const orchestrator::RunRecord& r : store.runs(sweep.name)) {
    rungs[r.id] = r.rung;
    configs.emplace_back();
    flatten(json::parse(r.config_json, nullptr, false), "", configs.back());
  }
  std::vector<std::string> varied = spec.sampled;  // sampled settings first, then any other that varies
  std::map<std::string, json> keys;  // every setting any run has (one left out at its default in some: model.arch)
  for (const auto& c : configs) keys.insert(c.begin(), c.end());
  for (const auto& [path, value] : keys) {
    // Init-captures: clang before 16 cannot capture a structured binding by name.
    const bool differs = std::any_of(configs.begin(), configs.end(), [&key = path, &first = value](const auto& c) {
      const auto it = c.find(key);
      return it == c.end() || it->second != first;
    });
    if (differs && std::find(varied.begin(), varied.end(), path) == varied.end()) varied.push_back(path);
  }
  std::map<int64_t, std::string> proposed;  // run id -> how its trial was drawn
  for (const orchestrator::TrialRecord& tr : store.trials(sweep.name)) {
    if (tr.run_id) proposed[*tr.run_id] = tr.proposal;
  }
  Table t;
  t.title = fmt::format("Trials of sweep {}", sweep.name);
  t.columns.push_back(Column{"Run"});
  if (!proposed.empty()) t.columns.push_back(Column{"Proposed"});
  for (const std::string& path : varied) t.columns.push_back(Column{path});
  t.columns.insert(t.columns.end(), {Column{"Epochs"}, Column{"Best Val_Loss", CellStyle::Fixed, 4},
                                     Column{"Val PSNR", CellStyle::Fixed, 2}, Column{"Test PSNR", CellStyle::Fixed, 2},
                                     Column{"State"}});
  for (size_t i = 0; i < runs.size() && i < configs.size(); ++i) {
    const RunSummary& r = runs[i];
    std::vector<Cell> row{Cell{r.name}};
    if (!proposed.empty()) {
      const auto p = proposed.find(r.id);
      const int64_t promoted = rungs[r.id];
      std::string text = p == proposed.end() ? "spec" : p->second;
      if (promoted > 0) text += fmt::format(", promoted {}x", promoted);
      row.push_back(Cell{text});
    }
    for (const std::string& path : varied) {
      const auto it = configs[i].find(path);
      const common::Setting* setting = common::find_setting(path);
      if (it != configs[i].end())
        row.push_back(Cell{value_text(it->second)});
      else if (setting && setting->omitted_at_default)  // left out of the config at its default
        row.push_back(Cell{value_text(setting->default_value)});
      else
        row.push_back(Cell{});
    }
    const std::vector<orchestrator::EpochRecord> epochs = store.epochs(r.id);
    const orchestrator::EpochRecord* best = best_epoch(epochs);
    row.push_back(Cell{fmt::format("{}/{}", epochs.empty() ? 0 : epochs.back().epoch, r.epochs)});
    row.push_back(best ? Cell{best->val_loss} : Cell{});
    row.push_back(best && best->val_psnr ? Cell{*best->val_psnr} : Cell{});
    const std::optional<double> psnr = run_figure(r, "test_psnr");
    row.push_back(psnr ? Cell{*psnr} : Cell{});
    row.push_back(Cell{state_text(r)});
    t.rows.push_back(std::move(row));
  }
  if (!proposed.empty()) {
    t.notes.push_back(
        "Proposed: how the trial was drawn: random or sobol (its stream point), startup (TPE's "
        "quasi-random start), model (TPE's proposal from the results so far), explore (the model proposed "
        "a config the sweep has, so the trial's quasi-random point instead), spec (a run the spec lists); "
        "promoted Nx: ASHA let it go on past N rungs.");
  }
  t.notes.push_back(
      "Epochs: trained / planned; Best Val_Loss: the lowest over the epochs trained; Val PSNR: the "
      "validation set's mean PSNR at that epoch (– for epochs recorded before it was computed); Test PSNR: of "
      "the best checkpoint, also for a run stopped early (tested where it stopped).");
  if (spec.early_stopping) {
    t.notes.push_back(fmt::format("Early stopping: ASHA on {}, rungs at epochs {} x {}^k.",
                                  ranked_by(*spec.early_stopping), spec.early_stopping->min_epochs,
                                  spec.early_stopping->reduction_factor));
  }
  return t;
}

std::string rung_summary(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep) {
  const orchestrator::StoredSpec spec = orchestrator::read_stored_spec(sweep.spec_json);
  if (!spec.early_stopping) return "";
  const orchestrator::EarlyStopping& es = *spec.early_stopping;
  std::map<int64_t, int64_t> went_on, stopped;  // by rung
  int64_t top = 0;
  for (const orchestrator::RunRecord& r : store.runs(sweep.name)) {
    for (int64_t k = 0; k < r.rung; ++k) ++went_on[k];
    if (r.state == orchestrator::RunState::Stopped) ++stopped[r.rung];
    top = std::max(top, r.rung);
  }
  std::vector<std::string> parts;
  for (int64_t k = 0; k < top || stopped.count(k); ++k) {
    parts.push_back(fmt::format("rung {} (epoch {}): {} recorded, {} went on, {} stopped", k,
                                common::asha_rung_epoch(es.min_epochs, es.reduction_factor, k), went_on[k] + stopped[k],
                                went_on[k], stopped[k]));
  }
  return fmt::format("ASHA on {} (reduction factor {}): {}.", ranked_by(es), es.reduction_factor,
                     parts.empty() ? "no run has reached a rung yet" : fmt::format("{}", fmt::join(parts, "; ")));
}

}  // namespace bokeh::reports
