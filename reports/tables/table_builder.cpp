// Tables 1-4: which runs each shows, its columns (the study's headers and precision), its notes.
#include "reports/tables/table_builder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "orchestrator/store/stored_spec.h"
#include "reports/tables/sweep_lookup.h"

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
Column fixed(std::string header, const Values& values, int min_decimals, int max_decimals) {
  return Column{std::move(header), CellStyle::Fixed, fit_decimals(values, min_decimals, max_decimals)};
}

template <typename F>
Values collect(const std::vector<const RunSummary*>& runs, F field) {
  Values out;
  for (const RunSummary* r : runs) out.push_back(field(*r));
  return out;
}
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
// which stopped_note() says).
std::string unfinished_note(const std::vector<RunSummary>& runs, const char* consequence) {
  std::map<RunState, int> counts;
  int unfinished = 0;
  for (const RunSummary& r : runs) {
    if (r.state != RunState::Done && r.state != RunState::Stopped) ++counts[r.state], ++unfinished;
  }
  if (unfinished == 0) return "";
  std::vector<std::string> parts;
  for (RunState s : {RunState::Running, RunState::Pending, RunState::Failed}) {
    if (counts[s]) parts.push_back(fmt::format("{} {}", counts[s], orchestrator::to_string(s)));
  }
  return fmt::format("{} of {} runs not finished ({}): {}.", unfinished, runs.size(), fmt::join(parts, ", "),
                     consequence);
}

void add_stopped_note(Table& table, const std::vector<RunSummary>& runs) {
  const auto stopped = std::count_if(runs.begin(), runs.end(), [](const RunSummary& r) { return r.stopped_rung; });
  if (stopped == 0) return;
  table.notes.push_back(fmt::format("{} of {} runs were stopped early (ASHA) at the rung their State names: their "
                                    "figures are those of the epoch they stopped at.",
                                    stopped, runs.size()));
}

void add_lpips_note(Table& table, const std::vector<const RunSummary*>& shown) {
  for (const RunSummary* r : shown) {
    if (r->state == RunState::Done && !r->test_lpips) {
      table.notes.push_back("LPIPS shows – where the run had no LPIPS weights (metrics.lpips_weights in the spec).");
      return;
    }
  }
}

// Tables 1 and 2: the study's hyperparameter columns, the last epoch's losses.
Table training_table(std::string title, const std::vector<const RunSummary*>& shown) {
  const Values train = collect(shown, [](const RunSummary& r) { return r.train_loss; });
  const Values val = collect(shown, [](const RunSummary& r) { return r.val_loss; });
  const Values gap = collect(shown, [](const RunSummary& r) { return r.gap; });
  const Values losses = concat(concat(train, val), gap);
  Table t;
  t.title = std::move(title);
  t.columns = {text_column("Run"),
               text_column("Data_Aug"),
               text_column("B_norm"),
               general("Width"),
               general("Depth"),
               Column{"Lr", CellStyle::Scientific, 0},
               general("B_s"),
               general("Epochs"),
               fixed("Params (M)", collect(shown, params_m), 2, 4),
               fixed("Runtime (min)", collect(shown, [](const RunSummary& r) { return r.runtime_min; }), 0, 2),
               fixed("Train_Loss", losses, 2, 4),
               fixed("Val_Loss", losses, 2, 4),
               fixed("Gap", losses, 2, 4)};
  const bool with_state = any_unfinished(shown);
  if (with_state) t.columns.push_back(text_column("State"));
  for (const RunSummary* r : shown) {
    t.rows.push_back({text(r->name), yes_no(r->augment), yes_no(r->model.batch_norm),
                      number(static_cast<double>(r->model.width)), number(static_cast<double>(r->model.depth)),
                      number(r->lr), number(static_cast<double>(r->batch_size)), number(static_cast<double>(r->epochs)),
                      number(params_m(*r)), number(r->runtime_min), number(r->train_loss), number(r->val_loss),
                      number(r->gap)});
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

Table table1(const std::string& sweep, const std::vector<RunSummary>& runs) {
  Table t = training_table(fmt::format("Table 1 - sweep {}: every run", sweep), all_of(runs));
  const std::string note = unfinished_note(runs, "their results show as –");
  if (!note.empty()) t.notes.push_back(note);
  add_stopped_note(t, runs);
  return t;
}

// Per architecture (width, depth, batch norm), in order of first appearance: its best finished run,
// or, while none of its runs has finished, its first run with its state.
Table table2(const std::string& sweep, const std::vector<RunSummary>& runs) {
  using Architecture = std::tuple<int64_t, int64_t, bool>;
  std::vector<Architecture> order;
  std::map<Architecture, std::vector<RunSummary>> groups;
  for (const RunSummary& r : runs) {
    const Architecture a{r.model.width, r.model.depth, r.model.batch_norm};
    if (!groups.count(a)) order.push_back(a);
    groups[a].push_back(r);
  }
  std::vector<const RunSummary*> shown;
  for (const Architecture& a : order) {
    const std::vector<RunSummary>& group = groups[a];
    const RunSummary* best = best_run(group);
    const RunSummary& pick = best ? *best : group.front();
    shown.push_back(&*std::find_if(runs.begin(), runs.end(), [&](const RunSummary& r) { return r.id == pick.id; }));
  }
  Table t = training_table(fmt::format("Table 2 - sweep {}: the best run per architecture", sweep), shown);
  t.notes.push_back("Best: the finished run with the lowest best-epoch validation loss among those of the same "
                    "Width, Depth and B_norm.");
  const std::string note = unfinished_note(runs, "the best per architecture may still change");
  if (!note.empty()) t.notes.push_back(note);
  return t;
}

Table table3(const std::string& sweep, const std::vector<RunSummary>& runs) {
  const std::vector<const RunSummary*> shown = all_of(runs);
  const Values losses = concat(collect(shown, [](const RunSummary& r) { return r.train_loss; }),
                               collect(shown, [](const RunSummary& r) { return r.val_loss; }));
  Table t;
  t.title = fmt::format("Table 3 - sweep {}: loss weights and test metrics", sweep);
  t.columns = {text_column("Run"),
               general("λ1"),
               general("λ2"),
               general("λ3"),
               general("Epochs"),
               fixed("Runtime (min)", collect(shown, [](const RunSummary& r) { return r.runtime_min; }), 0, 2),
               fixed("Train_Loss", losses, 2, 4),
               fixed("Val_Loss", losses, 2, 4),
               fixed("L1", collect(shown, [](const RunSummary& r) { return r.test_l1; }), 2, 4),
               Column{"PSNR", CellStyle::Fixed, 2},
               fixed("SSIM", collect(shown, [](const RunSummary& r) { return r.test_ssim; }), 2, 4),
               fixed("LPIPS", collect(shown, [](const RunSummary& r) { return r.test_lpips; }), 2, 4)};
  const bool with_state = any_unfinished(shown);
  if (with_state) t.columns.push_back(text_column("State"));
  for (const RunSummary* r : shown) {
    t.rows.push_back({text(r->name), number(r->lambda_l1), number(r->lambda_ssim), number(r->lambda_lpips),
                      number(static_cast<double>(r->epochs)), number(r->runtime_min), number(r->train_loss),
                      number(r->val_loss), number(r->test_l1), number(r->test_psnr), number(r->test_ssim),
                      number(r->test_lpips)});
    if (with_state) t.rows.back().push_back(text(state_text(*r)));
  }
  t.notes.push_back("Loss = λ1·L1 + λ2·(1 - SSIM) + λ3·LPIPS; L1, PSNR, SSIM, LPIPS: the test set, best checkpoint.");
  add_lpips_note(t, shown);
  const std::string note = unfinished_note(runs, "their results show as –");
  if (!note.empty()) t.notes.push_back(note);
  add_stopped_note(t, runs);
  return t;
}

Table table4(const orchestrator::SweepInfo& sweep, const std::vector<RunSummary>& runs) {
  const RunSummary* best = best_run(runs);
  const std::vector<orchestrator::StoredReference> refs =
      orchestrator::read_stored_spec(sweep.spec_json).references;
  Values params, runtime, ssim, lpips;
  if (best) {
    params.push_back(params_m(*best));
    runtime.push_back(best->runtime_min);
    ssim.push_back(best->test_ssim);
    lpips.push_back(best->test_lpips);
  }
  for (const orchestrator::StoredReference& r : refs) {
    params.push_back(r.params_m);
    runtime.push_back(r.runtime_min);
    ssim.push_back(r.ssim);
    lpips.push_back(r.lpips);
  }
  Table t;
  t.title = fmt::format("Table 4 - sweep {}: the best run against published results", sweep.name);
  t.columns = {text_column("Model"),
               general("Epochs"),
               fixed("Params (M)", params, 2, 4),
               fixed("Train runtime (min)", runtime, 0, 2),
               Column{"PSNR ↑", CellStyle::Fixed, 2},
               fixed("SSIM ↑", ssim, 4, 4),
               fixed("LPIPS ↓", lpips, 4, 4)};
  if (best) {
    t.rows.push_back({text(best->name), number(static_cast<double>(best->epochs)), number(params_m(*best)),
                      number(best->runtime_min), number(best->test_psnr), number(best->test_ssim),
                      number(best->test_lpips)});
    t.notes.push_back(fmt::format("{}: measured here, the finished run with the lowest best-epoch validation loss; "
                                  "test metrics of its best checkpoint.", best->name));
    add_lpips_note(t, {best});
  } else {
    t.notes.push_back(fmt::format("No run of sweep {} has finished yet, so there is no measured row.", sweep.name));
  }
  for (const orchestrator::StoredReference& r : refs) {
    const std::string name = r.name + " (published)";
    t.rows.push_back({text(name), number(r.epochs), number(r.params_m), number(r.runtime_min), number(r.psnr),
                      number(r.ssim), number(r.lpips)});
    t.notes.push_back(fmt::format("{}: published in {}; not measured here.", name, r.source));
  }
  const std::string note = unfinished_note(runs, "the best run may still change");
  if (!note.empty()) t.notes.push_back(note);
  return t;
}

}  // namespace

Table build_table(int64_t number, const orchestrator::SweepInfo& sweep, const std::vector<RunSummary>& runs) {
  switch (number) {
    case 1: return table1(sweep.name, runs);
    case 2: return table2(sweep.name, runs);
    case 3: return table3(sweep.name, runs);
    case 4: return table4(sweep, runs);
    default: break;
  }
  throw ReportError(fmt::format("no table {}: the study has tables 1 to 4", number));
}

}  // namespace bokeh::reports
