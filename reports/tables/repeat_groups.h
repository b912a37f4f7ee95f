// Repeated runs (`repeats: K`) as the tables show them: the runs of one configuration grouped, each
// per-run figure as the mean over the finished repeats with its sample standard deviation, "n=2 of 3"
// where repeats are unfinished, and a vs_Best column marking the rows within seed noise of the best
// (Welch's t-test at 5%), with the footnote that says so.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/tables/run_summary.h"
#include "reports/statistics/summary_stats.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

struct RepeatGroup {
  std::vector<const RunSummary*> members;  // the configuration's runs, by repeat index
  int64_t finished = 0;                    // members done
  // The configuration as one run: the first repeat's name, id and settings; each figure the mean over
  // the finished repeats; state done when any repeat is, else the first repeat's.
  RunSummary mean;
  std::map<std::string, SampleStats> figures;  // by result figure name (run_figure()), over the finished repeats
  int64_t planned() const { return static_cast<int64_t>(members.size()); }
};

// Every run of the groups, in their order.
std::vector<const RunSummary*> member_runs(const std::vector<RepeatGroup>& groups);

// Whether any configuration has more than one run.
bool has_repeats(const std::vector<RunSummary>& runs);

// One group per configuration, in the order of their first runs.
std::vector<RepeatGroup> group_repeats(const std::vector<RunSummary>& runs);

// The groups' mean runs, in order (what the tables are built from when runs repeat).
std::vector<RunSummary> mean_runs(const std::vector<RepeatGroup>& groups);

// `report --status`'s line on repeats: "Repeats: 4 configurations x K = 3 (12 runs): 3 with every repeat
// done, 1 with 2 of 3." ("" when no configuration repeats).
std::string repeats_line(const std::vector<RunSummary>& runs);

// A row's relation to the best row by the ranking figure (the objective at the best epoch: Best_Val_Loss by
// default).
struct NoiseMark {
  bool best = false;
  std::optional<double> p;  // Welch's two-sided p against the best; nullopt: not testable (n < 2)
  bool within_noise() const { return best || (p && *p >= 0.05); }
};
inline constexpr double kNoiseAlpha = 0.05;

// For each group with results, its mark against the group with the best mean of `objective` at the best
// epoch among `groups` (ties: the first); groups without results are left out.
std::map<const RepeatGroup*, NoiseMark> noise_marks(const std::vector<const RepeatGroup*>& groups,
                                                    const common::Objective& objective = {});

// Turns a table built from mean_runs() into the repeats' table: spreads on the per-run figure
// columns (by header), "(n=2 of 3)" on rows with unfinished repeats, a vs_Best column when two or
// more rows have results and their runs' `objective` compares (not a loss over different loss weights),
// and the footnote stating K and what ± and ≈ mean. Rows are matched to groups through table.row_runs.
void add_repeat_columns(Table& table, const std::vector<RepeatGroup>& groups, const common::Objective& objective = {});

}  // namespace bokeh::reports
