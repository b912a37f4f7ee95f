// Where a training run's reports go (epochs, notices, batch progress) and how it learns it should stop:
// the one interface between the code that trains a run and the loop that relays it (MPI worker, training
// child, single process).
#pragma once

#include <functional>

#include "common/protocol.h"

namespace bokeh::runner {

// Where a run's reports go while it trains (each may be empty), and when it should stop.
struct RunReports {
  std::function<void(const common::EpochMessage&)> on_epoch;
  std::function<void(const common::NoticeMessage&)> on_notice;
  std::function<bool()> stop_requested;
  std::function<void(const common::ProgressMessage&)> on_progress;  // before every batch (the watchdog's measure)
};

}  // namespace bokeh::runner
