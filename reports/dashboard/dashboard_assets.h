// The dashboard page's own files (reports/dashboard/page/), compiled in by CMake from the sources
// so that `report` needs nothing of the source tree at run time.
#pragma once

namespace bokeh::reports {

extern const char* const kDashboardHtml;        // page/dashboard.html: the template, {{NAME}} placeholders
extern const char* const kDashboardCss;         // page/dashboard.css
extern const char* const kDashboardJs;          // page/dashboard.js
extern const char* const kDashboardAnalysisJs;  // page/analysis.js: the Pareto scatter and importance bars

}  // namespace bokeh::reports
