// The study's Tables 1-4 built from a sweep's runs: Table 1 every run's settings and losses, Table 2
// the best run per architecture with what it was chosen by, Table 3 loss weights with test metrics,
// Table 4 the best run next to the spec's published reference rows. A spec that names a table's rows
// (`tables: {2: [VBase_1, VBase_2, VBase_3]}`) gets those instead. Unfinished runs stay in (a State
// column and a note); rows the spec marks as readings of the study get a footnote each, and every
// table ends with the conditions its numbers were measured under.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/objective.h"
#include "store/store_records.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// `number` is 1..4 (ReportError otherwise); `runs` are the sweep's, in the store's order. Tables 2 and 4
// choose their best runs by `select` (report --select), else by the sweep's (its spec's select.metric, else
// its search's objective, else val_loss): ReportInputError where that is a loss and the runs differ in
// their loss weights.
Table build_table(int64_t number, const orchestrator::SweepInfo& sweep, const std::vector<RunSummary>& runs,
                  const std::optional<common::Objective>& select = std::nullopt);

}  // namespace bokeh::reports
