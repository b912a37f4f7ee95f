// The study's Tables 1-4 built from a sweep's runs: Table 1 every run's settings and losses, Table 2
// the best run per architecture, Table 3 loss weights with test metrics, Table 4 the best run next to
// the spec's published reference rows. Unfinished runs stay in (a State column and a note).
#pragma once

#include <cstdint>
#include <vector>

#include "orchestrator/store/store.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// `number` is 1..4 (ReportError otherwise); `runs` are the sweep's, in the store's order.
Table build_table(int64_t number, const orchestrator::SweepInfo& sweep, const std::vector<RunSummary>& runs);

}  // namespace bokeh::reports
