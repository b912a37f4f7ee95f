// What a `sweep` start sets up on the coordinator before any run is handed out: the validated
// spec and its runs, the store, the progress printer and the bookkeeping, with the data prepared.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/exit_codes.h"
#include "orchestrator/sweep/heartbeat.h"
#include "orchestrator/sweep/progress.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "store/results_layout.h"
#include "store/store.h"
#include "orchestrator/sweep/sweep_book.h"

namespace bokeh::orchestrator {

struct SweepCommand {
  std::string spec_path;
  std::string db_path = kDefaultDbPath;
  std::vector<std::string> overrides;
  bool dry_run = false;
  bool retry_failed = false;
  bool fresh = false;
  bool quiet = false;
};

class SweepSession {
 public:
  // Validates the spec and the files it names (spec_inputs.h), opens the store, checks that the
  // sweep's spec is unchanged (or --fresh), prepares the data with `prepare`, and only then registers
  // the sweep and its runs, recovers runs a crash left running and starts the heartbeat. Throws
  // (nothing recorded) on bad input or data.
  SweepSession(const SweepCommand& command, const DataPreparer& prepare);
  ~SweepSession();  // leaves the sweep (never throws)

  SweepBook& book() { return *book_; }
  Progress& progress() { return progress_; }
  const Spec& spec() const { return spec_; }

  // The exit status once the loop has ended: interrupted (130), runs failed (1), all done or the
  // rest running under another sweep process (0), else 1.
  int finish(bool interrupted);

 private:
  Spec spec_;
  RunPlan plan_;
  Progress progress_;
  Store store_;
  std::unique_ptr<SweepBook> book_;
  std::unique_ptr<Heartbeat> heartbeat_;
};

}  // namespace bokeh::orchestrator
