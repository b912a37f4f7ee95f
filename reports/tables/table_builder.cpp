// Tables 1-4: which runs each shows (the spec's named rows, or each table's default), its columns
// (the study's headers and precision; a result figure's from common/result_figures.h), its notes
// (what the rows and the ranking are, the conditions, the readings).
#include "reports/tables/table_builder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>

#include "common/model_arch.h"
#include "common/result_figures.h"
#include "reports/tables/figure_columns.h"
#include "reports/tables/report_error.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "common/run_settings.h"
#include "reports/tables/repeat_groups.h"
#include "reports/tables/table_notes.h"

namespace bokeh::reports {
namespace {

using orchestrator::RunState;
using Values = std::vector<std::optional<double>>;

Cell number(std::optional<double> value) { return value ? Cell{*value} : Cell{}; }
Cell number(double value) { return Cell{value}; }
Cell yes_no(bool value) { return Cell{std::string(value ? "Y" : "N")}; }
Cell text(const std::string& value) { return Cell{value}; }

Column text_column(std::string header) { return Column{std::move(header), CellStyle::Text, 0}; }
Column general(std::string header) { return Column{std::move(header), CellStyle::General, 0}; }

// The model columns of Tables 1 and 2 for these runs (common/model_arch.h: Arch only with several archs).
std::vector<common::ModelColumn> shown_model_columns(const std::vector<const RunSummary*>& runs) {
  std::vector<const common::ModelFacts*> archs;
  for (const RunSummary* r : runs) archs.push_back(&common::model_facts(r->model));
  return common::table_model_columns(archs);
}

Column model_column(const common::ModelColumn& column) {
  const common::SettingKind kind = common::find_setting(column.setting)->kind;
  return kind == common::SettingKind::Boolean || kind == common::SettingKind::Choice ? text_column(column.header)
                                                                                     : general(column.header);
}

// A run's cell in a model column: Y/N, the choice, or the number; blank where its arch lacks the setting.
Cell model_cell(const common::ModelColumn& column, const common::ModelConfig& model) {
  const common::ModelFacts& arch = common::model_facts(model);
  const std::vector<std::string> settings = arch.settings();
  if (column.setting != "model.arch" && std::find(settings.begin(), settings.end(), column.setting) == settings.end())
    return Cell{};
  common::TrainConfig run;
  run.model = model;
  const nlohmann::json value = common::find_setting(column.setting)->read(run);
  if (value.is_boolean()) return yes_no(value.get<bool>());
  if (value.is_string()) return text(value.get<std::string>());
  return number(value.get<double>());
}

template <typename F>
Values collect(const std::vector<const RunSummary*>& runs, F field) {
  Values out;
  for (const RunSummary* r : runs) out.push_back(field(*r));
  return out;
}
// Each run's result figure `name` (common/result_figures.h).
Values figure_values(const std::vector<const RunSummary*>& runs, const char* name) {
  return collect(runs, [name](const RunSummary& r) { return run_figure(r, name); });
}
Cell figure_cell(const RunSummary& run, const char* name) { return number(run_figure(run, name)); }
Values concat(Values a, const Values& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::optional<double> params_m(const RunSummary& r) {
  return r.params > 0 ? std::optional<double>(r.params / 1e6) : std::nullopt;
}

bool any_unfinished(const std::vector<const RunSummary*>& runs) {
  for (const RunSummary* r : runs) {
    if (r->state != RunState::Done) return true;
  }
  return false;
}

// "2 of 7 runs are not finished (1 running, 1 pending)...", or "" when all are done (or stopped early,
// which add_stopped_note() says).
std::string unfinished_note(const std::vector<const RunSummary*>& runs, const char* consequence) {
  std::map<RunState, int> counts;
  int unfinished = 0;
  for (const RunSummary* r : runs) {
    if (r->state != RunState::Done && r->state != RunState::Stopped) ++counts[r->state], ++unfinished;
  }
  if (unfinished == 0) return "";
  std::vector<std::string> parts;
  for (RunState s : {RunState::Running, RunState::Pending, RunState::Failed}) {
    if (counts[s]) parts.push_back(fmt::format("{} {}", counts[s], orchestrator::to_string(s)));
  }
  return fmt::format("{} of {} runs not finished ({}): {}.", unfinished, runs.size(), fmt::join(parts, ", "),
                     consequence);
}

void add_stopped_note(Table& table, const std::vector<const RunSummary*>& runs) {
  const auto stopped = std::count_if(runs.begin(), runs.end(), [](const RunSummary* r) { return r->stopped_rung; });
  if (stopped == 0) return;
  table.notes.push_back(
      fmt::format("{} of {} runs were stopped early (ASHA) at the rung their State names: their "
                  "figures are those of the epoch they stopped at.",
                  stopped, runs.size()));
}

void add_lpips_note(Table& table, const std::vector<const RunSummary*>& shown) {
  for (const RunSummary* r : shown) {
    if (r->state == RunState::Done && !run_figure(*r, "test_lpips")) {
      table.notes.push_back("LPIPS shows – where the run had no LPIPS weights (metrics.lpips_weights in the spec).");
      return;
    }
  }
}

// Tables 1 and 2: the study's hyperparameter columns, the last epoch's losses; with `ranking`, also
// the best epoch's validation loss and that epoch, and the figure Table 2's best run is chosen by at
// that epoch where it is another (`chosen_by`: best_val_psnr).
Table training_table(std::string title, const std::vector<const RunSummary*>& shown, bool ranking,
                     const std::string& chosen_by = "best_val_loss") {
  const Values train = figure_values(shown, "train_loss");
  const Values val = figure_values(shown, "val_loss");
  const Values gap = figure_values(shown, "gap");
  const Values best = figure_values(shown, "best_val_loss");
  const Values losses = concat(concat(concat(train, val), gap), ranking ? best : Values{});
  const std::vector<common::ModelColumn> model_columns = shown_model_columns(shown);
  Table t;
  t.title = std::move(title);
  t.columns = {text_column("Run"), text_column("Data_Aug")};
  for (const common::ModelColumn& c : model_columns) t.columns.push_back(model_column(c));
  t.columns.insert(t.columns.end(), {Column{"Lr", CellStyle::Scientific, 0}, general("B_s"), general("Epochs"),
                                     figure_column("params_m", collect(shown, params_m)),
                                     figure_column("runtime_min", figure_values(shown, "runtime_min")),
                                     figure_column("train_loss", losses), figure_column("val_loss", losses),
                                     figure_column("gap", losses)});
  const bool chosen_column = ranking && chosen_by != "best_val_loss";
  if (ranking)
    t.columns.insert(t.columns.end(), {figure_column("best_val_loss", losses), figure_column("best_epoch", {})});
  if (chosen_column) t.columns.push_back(figure_column(chosen_by.c_str(), figure_values(shown, chosen_by.c_str())));
  const bool with_state = any_unfinished(shown);
  if (with_state) t.columns.push_back(text_column("State"));
  for (const RunSummary* r : shown) {
    std::vector<Cell> row = {text(r->name), yes_no(r->augment)};
    for (const common::ModelColumn& c : model_columns) row.push_back(model_cell(c, r->model));
    row.insert(row.end(), {number(r->lr), number(static_cast<double>(r->batch_size)),
                           number(static_cast<double>(r->epochs)), number(params_m(*r)), figure_cell(*r, "runtime_min"),
                           figure_cell(*r, "train_loss"), figure_cell(*r, "val_loss"), figure_cell(*r, "gap")});
    t.rows.push_back(std::move(row));
    t.row_runs.push_back(r->id);
    if (ranking) {
      t.rows.back().push_back(figure_cell(*r, "best_val_loss"));
      t.rows.back().push_back(figure_cell(*r, "best_epoch"));
    }
    if (chosen_column) t.rows.back().push_back(figure_cell(*r, chosen_by.c_str()));
    if (with_state) t.rows.back().push_back(text(state_text(*r)));
  }
  t.notes.push_back("Train_Loss, Val_Loss: the last epoch's; Gap = |Val_Loss - Train_Loss|; Runtime: training time.");
  return t;
}

std::vector<const RunSummary*> all_of(const std::vector<RunSummary>& runs) {
  std::vector<const RunSummary*> out;
  for (const RunSummary& r : runs) out.push_back(&r);
  return out;
}

// The runs the spec names for a table, in its order; a name the sweep lacks adds a note instead.
std::vector<const RunSummary*> named_runs(const std::vector<RunSummary>& runs, const std::vector<std::string>& names,
                                          std::vector<std::string>& notes) {
  std::vector<const RunSummary*> out;
  for (const std::string& name : names) {
    const auto it = std::find_if(runs.begin(), runs.end(), [&](const RunSummary& r) { return r.name == name; });
    if (it != runs.end())
      out.push_back(&*it);
    else
      notes.push_back(fmt::format("{}: named by the spec, but the sweep has no run of that name.", name));
  }
  return out;
}

// Per architecture (its model descriptor: arch and shape, e.g. the U-Net's width, depth, batch norm), in
// order of first appearance: its best finished run; when none has finished, its best run stopped early
// (ASHA); when none has results, its first run with its state.
std::vector<const RunSummary*> best_per_architecture(const std::vector<RunSummary>& runs,
                                                     const common::Objective& objective) {
  using Architecture = std::string;  // the descriptor's JSON text
  std::vector<Architecture> order;
  std::map<Architecture, std::vector<RunSummary>> groups;
  for (const RunSummary& r : runs) {
    const Architecture a = common::model_descriptor(r.model).dump();
    if (!groups.count(a)) order.push_back(a);
    groups[a].push_back(r);
  }
  std::vector<const RunSummary*> shown;
  for (const Architecture& a : order) {
    const std::vector<RunSummary>& group = groups[a];
    const RunSummary* best = best_run(group, objective);
    if (!best) best = best_run(group, objective, RunState::Stopped);
    const RunSummary& pick = best ? *best : group.front();
    shown.push_back(&*std::find_if(runs.begin(), runs.end(), [&](const RunSummary& r) { return r.id == pick.id; }));
  }
  return shown;
}

// The rows of a table: the spec's (`tables: {N: all}` or `{N: [names]}`) when it names them, else
// `fallback`. `named` tells which; notes about missing names go to `notes`.
std::vector<const RunSummary*> table_rows(int64_t number, const orchestrator::StoredSpec& spec,
                                          const std::vector<RunSummary>& runs,
                                          const std::function<std::vector<const RunSummary*>()>& fallback, bool& named,
                                          std::vector<std::string>& notes) {
  const auto it = spec.table_rows.find(number);
  named = it != spec.table_rows.end();
  if (!named) return fallback();
  return it->second.all ? all_of(runs) : named_runs(runs, it->second.runs, notes);
}

// The notes every table ends with: missing names, readings, the unfinished runs among `counted`
// (the rows a spec names, or every run the default choice looked at), conditions.
void finish_notes(Table& t, const std::vector<const RunSummary*>& shown, const std::vector<std::string>& missing,
                  const orchestrator::StoredSpec& spec, const std::vector<const RunSummary*>& counted,
                  const char* consequence) {
  t.notes.insert(t.notes.end(), missing.begin(), missing.end());
  mark_readings(t, shown, spec.readings);
  const std::string note = unfinished_note(counted, consequence);
  if (!note.empty()) t.notes.push_back(note);
  add_stopped_note(t, counted);
  t.notes.push_back(conditions_note(spec.data, shown));
}

Table table1(const std::string& sweep, const orchestrator::StoredSpec& spec, const std::vector<RunSummary>& runs) {
  bool named = false;
  std::vector<std::string> missing;
  const auto shown = table_rows(
      1, spec, runs, [&] { return all_of(runs); }, named, missing);
  Table t = training_table(
      fmt::format("Table 1 - sweep {}: {}", sweep, named ? "the runs the spec names" : "every run"), shown, false);
  finish_notes(t, shown, missing, spec, shown, "their results show as –");
  return t;
}

// How a table's note says what chose its rows: "the lowest Best_Val_Loss (the lowest validation loss of any
// epoch, at Best_Epoch; those weights are tested)" or "the highest Best_Val_PSNR (Val_PSNR at Best_Epoch, the
// epoch of the lowest validation loss, whose weights are tested)".
std::string chosen_by_text(const common::Objective& objective) {
  if (objective == common::Objective{})
    return selection_text(objective) +
           " (the lowest validation loss of any epoch, at Best_Epoch; those weights are tested)";
  const common::ResultFigure* figure = common::find_result_figure(objective.metric);
  return fmt::format("{} ({} at Best_Epoch, the epoch of the lowest validation loss, whose weights are tested)",
                     selection_text(objective), figure ? figure->header : objective.metric);
}

// Tables 2 and 4 choose their rows by `objective` over every run: refused where that compares losses of
// different weights.
void check_choice(int64_t table, const std::vector<RunSummary>& runs, const common::Objective& objective) {
  std::string figure = common::best_epoch_figure(objective);
  check_comparable(all_of(runs), figure.empty() ? objective.metric : figure,
                   fmt::format("Table {} chooses its best runs by {} (report --select, or select: {{metric: ...}} in "
                               "the spec, chooses another)",
                               table, objective.metric));
}

Table table2(const std::string& sweep, const orchestrator::StoredSpec& spec, const std::vector<RunSummary>& runs,
             const common::Objective& objective) {
  bool named = false;
  std::vector<std::string> missing;
  const auto shown = table_rows(
      2, spec, runs,
      [&] {
        check_choice(2, runs, objective);
        return best_per_architecture(runs, objective);
      },
      named, missing);
  const std::string chosen_by = named ? "best_val_loss" : common::best_epoch_figure(objective);
  Table t = training_table(
      fmt::format("Table 2 - sweep {}: {}", sweep, named ? "the runs the spec names" : "the best run per architecture"),
      shown, true, chosen_by);
  if (named) {
    t.notes.push_back(
        "Rows: the runs the spec names for Table 2, in its order. Best_Val_Loss: the lowest validation "
        "loss of any epoch, at Best_Epoch (those weights are tested).");
  } else {
    t.notes.push_back(
        fmt::format("Rows: per Width, Depth and B_norm, the finished run with {}, or, where every run of "
                    "the architecture with results was stopped early (ASHA), the stopped run with the {}; ties: the "
                    "run listed first in the spec.",
                    chosen_by_text(objective), objective.higher_is_better ? "highest" : "lowest"));
  }
  if (named)
    finish_notes(t, shown, missing, spec, shown, "their results show as –");
  else
    finish_notes(t, shown, missing, spec, all_of(runs), "the best per architecture may still change");
  return t;
}

Table table3(const std::string& sweep, const orchestrator::StoredSpec& spec, const std::vector<RunSummary>& runs) {
  bool named = false;
  std::vector<std::string> missing;
  const auto shown = table_rows(
      3, spec, runs, [&] { return all_of(runs); }, named, missing);
  const Values losses = concat(figure_values(shown, "train_loss"), figure_values(shown, "val_loss"));
  Table t;
  t.title = fmt::format("Table 3 - sweep {}: loss weights and test metrics", sweep);
  t.columns = {text_column("Run"),
               general("λ1"),
               general("λ2"),
               general("λ3"),
               general("Epochs"),
               figure_column("runtime_min", figure_values(shown, "runtime_min")),
               figure_column("train_loss", losses),
               figure_column("val_loss", losses),
               figure_column("test_l1", figure_values(shown, "test_l1")),
               figure_column("test_psnr", figure_values(shown, "test_psnr")),
               figure_column("test_ssim", figure_values(shown, "test_ssim")),
               figure_column("test_lpips", figure_values(shown, "test_lpips"))};
  const bool with_state = any_unfinished(shown);
  if (with_state) t.columns.push_back(text_column("State"));
  for (const RunSummary* r : shown) {
    t.rows.push_back({text(r->name), number(r->lambda_l1), number(r->lambda_ssim), number(r->lambda_lpips),
                      number(static_cast<double>(r->epochs)), figure_cell(*r, "runtime_min"),
                      figure_cell(*r, "train_loss"), figure_cell(*r, "val_loss"), figure_cell(*r, "test_l1"),
                      figure_cell(*r, "test_psnr"), figure_cell(*r, "test_ssim"), figure_cell(*r, "test_lpips")});
    t.row_runs.push_back(r->id);
    if (with_state) t.rows.back().push_back(text(state_text(*r)));
  }
  t.notes.push_back("Loss = λ1·L1 + λ2·(1 - SSIM) + λ3·LPIPS; L1, PSNR, SSIM, LPIPS: the test set, best checkpoint.");
  add_remaining_figures(t, 3, shown);
  add_lpips_note(t, shown);
  finish_notes(t, shown, missing, spec, shown, "their results show as –");
  return t;
}

Table table4(const std::string& sweep, const orchestrator::StoredSpec& spec, const std::vector<RunSummary>& runs,
             const common::Objective& objective) {
  bool named = false;
  std::vector<std::string> missing;
  const auto shown = table_rows(
      4, spec, runs,
      [&] {
        check_choice(4, runs, objective);
        const RunSummary* best = best_run(runs, objective);
        return best ? std::vector<const RunSummary*>{best} : std::vector<const RunSummary*>{};
      },
      named, missing);
  const std::vector<common::Reference>& refs = spec.references;
  Values params = collect(shown, params_m), runtime = figure_values(shown, "runtime_min");
  Values psnr = figure_values(shown, "test_psnr");
  Values ssim = figure_values(shown, "test_ssim");
  Values lpips = figure_values(shown, "test_lpips");
  // The best weights' inference, measured here only: a published row's was measured elsewhere (–).
  const Values inference = figure_values(shown, "inference_seconds"), peak = figure_values(shown, "inference_peak_mb");
  for (const common::Reference& r : refs) {
    params.push_back(r.params_m);
    runtime.push_back(r.runtime_min);
    psnr.push_back(r.psnr);
    ssim.push_back(r.ssim);
    lpips.push_back(r.lpips);
  }
  Table t;
  t.title = fmt::format("Table 4 - sweep {}: {} against published results", sweep,
                        named ? "the runs the spec names" : "the best run");
  t.columns = {text_column("Model"),
               general("Epochs"),
               compared_column("params_m", params),
               compared_column("runtime_min", runtime),
               compared_column("test_psnr", psnr),
               compared_column("test_ssim", ssim),
               compared_column("test_lpips", lpips),
               compared_column("inference_seconds", inference),
               compared_column("inference_peak_mb", peak)};
  for (const RunSummary* r : shown) {
    t.rows.push_back({text(r->name), number(static_cast<double>(r->epochs)), number(params_m(*r)),
                      figure_cell(*r, "runtime_min"), figure_cell(*r, "test_psnr"), figure_cell(*r, "test_ssim"),
                      figure_cell(*r, "test_lpips"), figure_cell(*r, "inference_seconds"),
                      figure_cell(*r, "inference_peak_mb")});
    t.row_runs.push_back(r->id);
  }
  if (named) {
    t.notes.push_back(
        "Measured here: the runs the spec names for Table 4; test metrics of each one's best checkpoint.");
  } else if (!shown.empty()) {
    t.notes.push_back(fmt::format("{}: measured here, the finished run with {}; test metrics of its best checkpoint.",
                                  shown[0]->name, chosen_by_text(objective)));
  } else {
    t.notes.push_back(fmt::format("No run of sweep {} has finished yet, so there is no measured row.", sweep));
  }
  add_lpips_note(t, shown);
  for (const common::Reference& r : refs) {
    const std::string name = r.name + " (published)";
    t.rows.push_back({text(name), r.epochs ? number(static_cast<double>(*r.epochs)) : Cell{}, number(r.params_m),
                      number(r.runtime_min), number(r.psnr), number(r.ssim), number(r.lpips), Cell{}, Cell{}});
    t.row_runs.push_back(0);
    t.notes.push_back(fmt::format("{}: published in {}; not measured here, under its own conditions.", name, r.source));
  }
  add_remaining_figures(t, 4, shown);
  if (named)
    finish_notes(t, shown, missing, spec, shown, "their results show as –");
  else
    finish_notes(t, shown, missing, spec, all_of(runs), "the best run may still change");
  return t;
}

}  // namespace

Table build_table(int64_t number, const orchestrator::SweepInfo& sweep, const std::vector<RunSummary>& runs,
                  const std::optional<common::Objective>& select) {
  const orchestrator::StoredSpec spec = orchestrator::read_stored_spec(sweep.spec_json);
  const common::Objective objective = select.value_or(spec.selection);
  const auto build = [&](const std::vector<RunSummary>& rows) {
    switch (number) {
      case 1:
        return table1(sweep.name, spec, rows);
      case 2:
        return table2(sweep.name, spec, rows, objective);
      case 3:
        return table3(sweep.name, spec, rows);
      case 4:
        return table4(sweep.name, spec, rows, objective);
      default:
        break;
    }
    throw ReportError(fmt::format("no table {}: the study has tables 1 to 4", number));
  };
  if (!has_repeats(runs)) return build(runs);
  // Repeats: the tables of the configurations' means, then their spreads and noise marks.
  const std::vector<RepeatGroup> groups = group_repeats(runs);
  Table t = build(mean_runs(groups));
  add_repeat_columns(t, groups, objective);
  return t;
}

}  // namespace bokeh::reports
