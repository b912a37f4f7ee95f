// Grouping repeated runs by configuration, their means and spreads, and the within-noise marks.
#include "reports/tables/repeat_groups.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/result_figures.h"

namespace bokeh::reports {
namespace {

using orchestrator::RunState;

// The figures a run's results give (not those fixed before it trains): what repeats average.
bool result_figure(const common::ResultFigure& figure) { return figure.scope != common::FigureScope::Static; }

// The figure a table column shows, by its header; nullptr for a settings column or a static figure.
const common::ResultFigure* column_figure(const std::string& header) {
  const common::ResultFigure* figure = common::figure_for_header(header);
  return figure && result_figure(*figure) ? figure : nullptr;
}

RepeatGroup make_group(std::vector<const RunSummary*> members) {
  std::stable_sort(members.begin(), members.end(),
                   [](const RunSummary* a, const RunSummary* b) { return a->repeat < b->repeat; });
  RepeatGroup g;
  g.members = members;
  g.mean = *members.front();
  std::vector<const RunSummary*> done;
  for (const RunSummary* r : members) {
    if (r->state == RunState::Done) done.push_back(r);
  }
  g.finished = static_cast<int64_t>(done.size());
  if (!done.empty()) {
    g.mean.state = RunState::Done;
    g.mean.stopped_rung.reset();
    g.mean.epochs_trained = done.front()->epochs_trained;
    g.mean.precision = done.front()->precision;
  }
  for (const common::ResultFigure& figure : common::result_figure_table()) {
    if (!result_figure(figure)) continue;
    std::vector<double> values;
    for (const RunSummary* r : done) {
      if (const std::optional<double> v = run_figure(*r, figure.name)) values.push_back(*v);
    }
    if (values.empty()) {
      if (!done.empty()) set_run_figure(g.mean, figure.name, std::nullopt);
      continue;
    }
    const SampleStats stats = sample_stats(values);
    g.figures[figure.name] = stats;
    set_run_figure(g.mean, figure.name, figure.format.count ? std::round(stats.mean) : stats.mean);
  }
  return g;
}

std::string k_text(const std::vector<RepeatGroup>& groups) {
  int64_t least = 0, most = 0;
  for (const RepeatGroup& g : groups) {
    least = least == 0 ? g.planned() : std::min(least, g.planned());
    most = std::max(most, g.planned());
  }
  return least == most ? fmt::format("K = {}", most) : fmt::format("K = {} to {}", least, most);
}

}  // namespace

std::vector<const RunSummary*> member_runs(const std::vector<RepeatGroup>& groups) {
  std::vector<const RunSummary*> out;
  for (const RepeatGroup& g : groups) out.insert(out.end(), g.members.begin(), g.members.end());
  return out;
}

bool has_repeats(const std::vector<RunSummary>& runs) {
  std::set<std::string> groups;
  for (const RunSummary& r : runs) {
    if (!groups.insert(r.group).second) return true;
  }
  return false;
}

std::vector<RepeatGroup> group_repeats(const std::vector<RunSummary>& runs) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RunSummary*>> members;
  for (const RunSummary& r : runs) {
    if (!members.count(r.group)) order.push_back(r.group);
    members[r.group].push_back(&r);
  }
  std::vector<RepeatGroup> out;
  for (const std::string& g : order) out.push_back(make_group(members[g]));
  return out;
}

std::vector<RunSummary> mean_runs(const std::vector<RepeatGroup>& groups) {
  std::vector<RunSummary> out;
  for (const RepeatGroup& g : groups) out.push_back(g.mean);
  return out;
}

std::string repeats_line(const std::vector<RunSummary>& runs) {
  if (!has_repeats(runs)) return "";
  const std::vector<RepeatGroup> groups = group_repeats(runs);
  int64_t complete = 0;
  std::map<std::string, int64_t> partial;  // "2 of 3" -> configurations
  for (const RepeatGroup& g : groups) {
    if (g.finished == g.planned())
      ++complete;
    else
      ++partial[fmt::format("{} of {}", g.finished, g.planned())];
  }
  std::string out = fmt::format("Repeats: {} configurations x {} ({} runs): {} with every repeat done", groups.size(),
                                k_text(groups), runs.size(), complete);
  for (const auto& [what, count] : partial) out += fmt::format(", {} with {} done", count, what);
  return out + ".";
}

namespace {
// How the note names the ranking figure: "Best_Val_Loss (the best epoch's validation loss, the ranking figure)".
std::string ranking_text(const common::Objective& objective) {
  if (objective == common::Objective{}) return "Best_Val_Loss (the best epoch's validation loss, the ranking figure)";
  const common::ResultFigure* best = common::find_result_figure(common::best_epoch_figure(objective));
  return fmt::format("{} ({} at the best epoch, the ranking figure; {} is better)",
                     best ? best->header : objective.metric, objective.metric,
                     objective.higher_is_better ? "higher" : "lower");
}
}  // namespace

std::map<const RepeatGroup*, NoiseMark> noise_marks(const std::vector<const RepeatGroup*>& groups,
                                                    const common::Objective& objective) {
  // The ranking figure: the objective at the best epoch (the last epoch's where results lack it).
  const auto ranking = [&](const RepeatGroup& g) -> std::optional<SampleStats> {
    for (const std::string& figure : {common::best_epoch_figure(objective), objective.metric}) {
      if (const auto it = g.figures.find(figure); it != g.figures.end()) return it->second;
    }
    return std::nullopt;
  };
  const auto better = [&](double a, double b) { return objective.higher_is_better ? a > b : a < b; };
  const RepeatGroup* best = nullptr;
  for (const RepeatGroup* g : groups) {
    const auto stats = ranking(*g);
    if (stats && (!best || better(stats->mean, ranking(*best)->mean))) best = g;
  }
  std::map<const RepeatGroup*, NoiseMark> out;
  if (!best) return out;
  const SampleStats best_stats = *ranking(*best);
  for (const RepeatGroup* g : groups) {
    const auto stats = ranking(*g);
    if (!stats) continue;
    NoiseMark mark;
    mark.best = g == best;
    if (!mark.best) {
      if (const std::optional<WelchTest> test = welch_test(*stats, best_stats)) mark.p = test->p;
    }
    out[g] = mark;
  }
  return out;
}

void add_repeat_columns(Table& table, const std::vector<RepeatGroup>& groups, const common::Objective& objective) {
  std::map<int64_t, const RepeatGroup*> by_id;
  for (const RepeatGroup& g : groups) by_id[g.mean.id] = &g;
  std::vector<const RepeatGroup*> row_groups;  // per row; nullptr for a row that is not a run
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const int64_t id = r < table.row_runs.size() ? table.row_runs[r] : 0;
    row_groups.push_back(by_id.count(id) ? by_id[id] : nullptr);
  }
  table.spreads.assign(table.rows.size(), std::vector<std::optional<Spread>>(table.columns.size()));
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const common::ResultFigure* figure = column_figure(table.columns[c].header);
    if (!figure) continue;
    table.columns[c].spread = true;
    std::vector<std::optional<double>> stds;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (!row_groups[r]) continue;
      const auto it = row_groups[r]->figures.find(figure->name);
      if (it == row_groups[r]->figures.end()) continue;
      table.spreads[r][c] = Spread{it->second.std, it->second.n};
      // Rounding noise (a std of 1e-17 over equal values) must not widen the column.
      if (it->second.n >= 2 && it->second.std > 1e-9 * std::max(1.0, std::fabs(it->second.mean)))
        stds.push_back(it->second.std);
    }
    // Enough decimals that a standard deviation shows its first digit (up to 4): 0.290 ± 0.002.
    Column& column = table.columns[c];
    if (column.style == CellStyle::Fixed)
      column.decimals = fit_decimals(stds, column.decimals, std::max(column.decimals, 4));
  }
  bool partial = false;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const RepeatGroup* g = row_groups[r];
    if (!g || g->planned() < 2 || g->finished == g->planned()) continue;
    partial = true;
    if (auto* name = std::get_if<std::string>(&table.rows[r][0]))
      *name += fmt::format(" (n={} of {})", g->finished, g->planned());
  }

  std::vector<const RepeatGroup*> shown;
  for (const RepeatGroup* g : row_groups) {
    if (g && std::find(shown.begin(), shown.end(), g) == shown.end()) shown.push_back(g);
  }
  // A loss over runs of different loss weights ranks nothing: no vs_Best then (the note says why).
  const bool incomparable = common::loss_weighted(objective) && differ_in_loss_weights(member_runs(groups));
  const std::map<const RepeatGroup*, NoiseMark> marks =
      incomparable ? std::map<const RepeatGroup*, NoiseMark>{} : noise_marks(shown, objective);
  const bool ranked = marks.size() >= 2;
  if (ranked) {
    table.columns.push_back(Column{"vs_Best", CellStyle::Text, 0});
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto it = row_groups[r] ? marks.find(row_groups[r]) : marks.end();
      Cell cell;
      if (it != marks.end() && it->second.best)
        cell = std::string("best");
      else if (it != marks.end() && it->second.p)
        cell = fmt::format("{} (p={:.2g})", it->second.within_noise() ? "≈" : "worse", *it->second.p);
      table.rows[r].push_back(cell);
      table.spreads[r].push_back(std::nullopt);
    }
  }

  std::string note = fmt::format(
      "Repeats: {} training seeds per configuration (the first run's seed + 0..K-1; the data split is the same); "
      "one row per configuration, each run figure the mean over its finished repeats ± their sample standard "
      "deviation (n - 1 divisor; no ± where fewer than 2 finished)",
      k_text(groups));
  if (partial) note += "; \"n=2 of 3\": only 2 of its 3 repeats have finished, the figures are theirs";
  if (ranked)
    note += fmt::format(
        ". vs_Best: {} against the "
        "best row's by Welch's two-sided t-test; ≈ marks a row within seed noise of the best (p ≥ "
        "{:g}: the difference is not significant at 5%), worse one that is significantly worse; – "
        "where either row has fewer than 2 finished repeats",
        ranking_text(objective), kNoiseAlpha);
  if (incomparable)
    note += fmt::format(
        "; no vs_Best: the configurations differ in loss weights, so their {} values do not compare "
        "(report --select a validation figure)",
        objective.metric);
  table.notes.push_back(note + ".");
}

}  // namespace bokeh::reports
