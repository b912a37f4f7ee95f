// Wall-clock time as the store, the status report and the dashboard record and compare it: seconds
// since the Unix epoch, with fractions.
#pragma once

#include <chrono>

namespace bokeh::common {

inline double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace bokeh::common
