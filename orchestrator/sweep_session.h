// What a `sweep` start sets up on the coordinator before any run is handed out: the validated
// spec and its runs, the store, the progress printer and the bookkeeping, with the data prepared.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/progress.h"
#include "orchestrator/run_plan.h"
#include "orchestrator/spec.h"
#include "orchestrator/store.h"
#include "orchestrator/sweep_book.h"

namespace bokeh::orchestrator {

// Exit statuses of `sweep`.
constexpr int kExitAllDone = 0;
constexpr int kExitRunsFailed = 1;   // the sweep ended with failed (given-up) runs
constexpr int kExitBadInput = 2;     // invalid spec or arguments, changed spec, unusable database
constexpr int kExitInterrupted = 130;

struct SweepCommand {
  std::string spec_path;
  std::string db_path = "results/sweeps.db";
  std::vector<std::string> overrides;
  bool dry_run = false;
  bool retry_failed = false;
  bool fresh = false;
  bool quiet = false;
};

class SweepSession {
 public:
  // Validates the spec, opens the store, registers the sweep and its runs, recovers runs a crash
  // left running and prepares the data. Throws (nothing recorded) on bad input.
  explicit SweepSession(const SweepCommand& command);

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

// Checkpoints and prepared data live beside the database: <db folder>/<sweep>/.
std::filesystem::path results_root_of(const std::string& db_path);

}  // namespace bokeh::orchestrator
