// What a `sweep` start sets up on the coordinator before any run is handed out: the validated
// spec and its runs, the store, the progress printer and the bookkeeping, with the data prepared.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/progress.h"
#include "orchestrator/spec/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/store/results_layout.h"
#include "orchestrator/store/store.h"
#include "orchestrator/sweep_book.h"
#include "worker/exit_codes.h"

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
  // Validates the spec and the files it names (spec_inputs.h), opens the store, registers the sweep and its runs, recovers runs a crash
  // left running and prepares the data with `prepare`. Throws (nothing recorded) on bad input.
  SweepSession(const SweepCommand& command, const DataPreparer& prepare);

  SweepBook& book() { return *book_; }
  Progress& progress() { return progress_; }
  const Spec& spec() const { return spec_; }

  // The exit status once the loop has ended: interrupted, runs left failed, or all done.
  int finish(bool interrupted);

 private:
  Spec spec_;
  RunPlan plan_;
  Progress progress_;
  Store store_;
  std::unique_ptr<SweepBook> book_;
};

}  // namespace bokeh::orchestrator
