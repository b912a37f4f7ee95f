// The coordinator's bookkeeping, free of any transport: sets a sweep up in the store, turns its
// pending runs into assignments (longest cost first), and writes what workers report (epochs,
// results, failures) to the store and the progress lines. The MPI coordinator and the
// single-process sweep both drive it.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "orchestrator/progress.h"
#include "orchestrator/protocol.h"
#include "orchestrator/run_plan.h"
#include "orchestrator/spec.h"
#include "orchestrator/store.h"

namespace bokeh::orchestrator {

// Where a sweep keeps its files: <results>/<sweep>/data (prepared data) and
// <results>/<sweep>/checkpoints/<run key>/ (last.pt, best.pt).
std::filesystem::path sweep_folder(const std::filesystem::path& results_root, const std::string& sweep);
std::filesystem::path run_checkpoint_dir(const std::filesystem::path& results_root, const std::string& sweep,
                                         const std::string& run_key);

struct SweepOptions {
  bool fresh = false;         // replace a sweep whose spec changed (its runs are deleted)
  bool retry_failed = false;  // failed runs go back to pending
};

class SweepBook {
 public:
  SweepBook(Store& store, const Spec& spec, std::filesystem::path results_root, Progress& progress);

  // Registers the sweep (SpecChangedError for a changed spec unless options.fresh), adds its runs,
  // returns runs a crash left running to pending, and with retry_failed, failed ones too.
  void open(const RunPlan& plan, const SweepOptions& options);

  // Builds or validates the sweep's prepared-data cache (once, before the first assignment).
  void prepare_data();

  // The next pending run as an assignment (it becomes running), or nullopt.
  std::optional<AssignMessage> next_assignment();

  // Worker reports. A report about a run that is not in flight throws ProtocolError.
  void on_epoch(const EpochMessage& message);
  void on_done(const DoneMessage& message);
  void on_failed(const FailedMessage& message);

  // Runs still in flight go back to pending without counting an attempt (a stop by signal).
  void release_in_flight();

  bool in_flight(const std::string& run_key) const { return in_flight_.count(run_key) > 0; }
  bool any_in_flight() const { return !in_flight_.empty(); }
  int64_t failed_runs() const;   // runs given up on
  int64_t unfinished_runs() const;  // runs not done (pending, running or failed)

 private:
  struct InFlight {
    RunRecord record;
    int64_t epochs = 0;
    int64_t epochs_reported = 0;  // in this attempt
  };
  InFlight& in_flight_run(const std::string& run_key, const char* message_type);
  double epoch_cost(const InFlight& run) const { return run.record.cost / static_cast<double>(run.epochs); }

  Store& store_;
  const Spec& spec_;
  std::filesystem::path results_root_;
  Progress& progress_;
  std::string data_file_;
  std::map<std::string, InFlight> in_flight_;  // by run key
};

}  // namespace bokeh::orchestrator
