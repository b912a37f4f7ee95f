// The errors of `report` and `render`: a report that cannot be made, or one its arguments or data
// cannot give. Every library under reports/ throws them (here, in tables/, the lowest library that does,
// which the others link); the tools' mains print them as one line.
#pragma once

#include <stdexcept>

namespace bokeh::reports {

// A report that cannot be made (unknown sweep, run or table, no runs, no database): one clear line.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A report asked for what its arguments or data cannot give (a --pareto axis that does not exist,
// --importance with too few finished configurations): `report` exits with kExitBadInput (2).
class ReportInputError : public ReportError {
 public:
  using ReportError::ReportError;
};

}  // namespace bokeh::reports
