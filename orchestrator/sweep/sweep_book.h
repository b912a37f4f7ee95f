// The coordinator's bookkeeping, free of any transport: sets a sweep up in the store, turns its
// pending runs into assignments (highest ASHA rung, then longest cost first), and writes what workers
// report (epochs, results, failures) to the store and the progress lines. The search (sampled trials,
// early-stopping decisions) is TrialSearch's (orchestrator/search/trial_search.h), which this calls. The MPI
// coordinator and the single-process sweep both drive it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/protocol.h"
#include "orchestrator/sweep/progress.h"
#include "orchestrator/search/trial_search.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"

namespace bokeh::orchestrator {

// Builds (or validates) a sweep's prepared data in `folder` for `data`; returns the prepared file and
// a line describing it. The worker library's cache in a sweep (runner/sweep_data.h), a
// stand-in in unit tests: the bookkeeping itself never decodes an image.
struct PreparedDataFile {
  std::string file;
  std::string description;  // "120 train / 30 validation / 20 test pairs at 64x64"
};
using DataPreparer =
    std::function<PreparedDataFile(const common::DataConfig& data, const std::filesystem::path& folder)>;

struct SweepOptions {
  bool fresh = false;         // replace a sweep whose spec changed (its runs are deleted)
  bool retry_failed = false;  // failed runs go back to pending
};

class SweepBook {
 public:
  SweepBook(Store& store, const Spec& spec, std::filesystem::path results_root, Progress& progress);

  // Registers the sweep with its prepared-data file (SpecChangedError for a changed spec unless
  // options.fresh), adds its runs
  // (sampled trials are drawn later, one per assignment that finds nothing pending), joins it as this
  // process (see Store::join_sweep), returns runs a crash left running (their process dead or silent)
  // to pending, and with retry_failed, failed ones too; takes any promotion still due.
  void open(const RunPlan& plan, const SweepOptions& options);
  int64_t coordinator_id() const { return coordinator_id_; }

  // Before the data work: refuses (FolderOwnedError) a sweep folder that a sweep of another existing
  // database owns, and sets aside (store/folder_owner.h) the checkpoints and prepared data
  // of an instance this start does not continue: one discarded by --fresh, one of a database since
  // removed, or checkpoints without an owner. Says so in one line; open() logs it as a "set-aside" event.
  void claim_folder(bool fresh);

  // Builds or validates the sweep's prepared data (once, before open(), which records its file).
  void prepare_data(const DataPreparer& prepare);

  // The next pending run as an assignment (it becomes running), or nullopt. Runs left running by
  // another process that has died since are reclaimed first. With nothing pending, the next sampled
  // trial is drawn now and stored with its sampler state (search/sampler.h). Under early stopping the
  // assignment trains up to the run's next rung (until_epoch).
  std::optional<common::AssignMessage> next_assignment();

  // Worker reports. A report about a run that is not in flight throws ProtocolError.
  void on_epoch(const common::EpochMessage& message);
  void on_done(const common::DoneMessage& message);
  void on_failed(const common::FailedMessage& message);

  // A note about a run from its worker (e.g. a corrupt checkpoint passed over): an event and a line.
  void on_notice(const common::NoticeMessage& message);

  // Runs still in flight go back to pending without counting an attempt (a stop by signal).
  void release_in_flight();
  // This process stops working on the sweep (its coordinator row is marked ended).
  void leave();

  bool in_flight(const std::string& run_key) const { return in_flight_.count(run_key) > 0; }
  int64_t failed_runs() const;        // runs given up on
  int64_t unfinished_runs() const;    // runs neither done nor stopped early (pending, running or failed)
  int64_t running_elsewhere() const;  // runs running under another sweep process

  // The progress counts (done, stopped, failed, total, cost) recounted from the store, with the
  // trials still to draw: what another process sharing the sweep did is in them (its final line).
  void recount_progress();

 private:
  struct InFlight {
    RunRecord record;             // as claimed; record.epochs: its train.epochs
    int64_t until_epoch = 0;      // where this assignment stops (= record.epochs without early stopping)
    int64_t epochs_reported = 0;  // in this attempt
  };
  InFlight& in_flight_run(const std::string& run_key, const char* message_type);
  // Runs `body` under the store's write lock (Store::exclusively), after catch_up(): processes sharing a
  // sweep decide one at a time, each on every result recorded so far. next_assignment() and on_done()
  // decide through it.
  void decide(const std::function<void()>& body);
  std::optional<common::AssignMessage> assign_next();
  void record_done(const common::DoneMessage& message);
  // Reloads the search state kept in memory (the stopping rule's tables, the sampler's counters, the
  // trial history, the epochs trained) from the store when another process changed the sweep since this
  // one last wrote (Store::last_event_id), and recounts the progress.
  void catch_up();
  SweepTally tally() const;
  int64_t trials_left() const;  // trials still to draw: 0 when the search is over, -1 when open-ended
  double epoch_cost(const InFlight& run) const { return run.record.cost / static_cast<double>(run.record.epochs); }
  void report(const std::vector<StopDecision>& decisions);
  bool draw_trial();  // draws the next trial; false when it repeated a config the sweep has
  // Stores the draw and its planned run: the run's id, nullopt when it repeats a config the sweep has.
  std::optional<int64_t> add_drawn_trial(const TrialDraw& draw, const PlannedRun& trial);

  Store& store_;
  const Spec& spec_;
  std::filesystem::path results_root_;
  Progress& progress_;
  std::string data_file_;
  std::string instance_;   // the registered sweep's instance id (after open)
  std::string set_aside_;  // what claim_folder() moved, for open()'s event
  int64_t coordinator_id_ = 0;
  std::map<std::string, InFlight> in_flight_;  // by run key
  TrialSearch search_;                         // the sampler, the stopping rule and the trial history
  int64_t trained_epochs_ = 0;                 // the sweep's epochs trained, for search.budget_epochs
  int64_t repeats_in_a_row_ = 0;               // draws that repeated a config, since the last new one
  double trial_cost_ = 0;                      // a sampled trial's cost estimate (the plan's first)
  bool space_exhausted_ = false;               // kMaxRepeatedDraws draws in a row repeated configs
  int64_t seen_event_ = -1;                    // Store::last_event_id() after this process's last decision
};

}  // namespace bokeh::orchestrator
