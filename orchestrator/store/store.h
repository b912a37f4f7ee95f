// The results store: one SQLite file in WAL mode holding sweeps (spec text, canonical spec, --set
// overrides), their runs (config, state, attempts, cost, rung, results), one row per run and epoch, and
// events. Written by the coordinator (rank 0) only; `report` reads it read-only while a sweep runs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/local_process.h"
#include "orchestrator/store/store_schema.h"

namespace bokeh::orchestrator {

// register_sweep() refused a changed spec under an existing name; the message lists the differences.
class SpecChangedError : public StoreError {
 public:
  using StoreError::StoreError;
};

// Stopped: paused by early stopping at a rung (resumable: a promotion makes it pending again).
enum class RunState { Pending, Running, Done, Failed, Stopped };
const char* to_string(RunState state);  // "pending", "running", "done", "failed", "stopped"

struct SweepInfo {
  std::string name;
  std::string spec_text;       // the YAML as written
  std::string spec_hash;       // hash of spec_json
  std::string spec_json;       // the canonical spec (compared to detect a changed spec)
  std::string overrides_json;  // the --set arguments, as a JSON array of strings
  double created = 0;          // unix seconds; set by the store
  std::string instance;        // random hex id drawn by the store at registration (anew after --fresh);
                               // it owns the sweep's checkpoints and prepared data
  std::string data_file;       // the prepared-data file it trains on, as the sweep named it (reports open it,
                               // never build one); "" when registered without preparing data
};

struct NewRun {
  std::string key;
  std::string name;
  std::string config_json;  // the canonical run config
  double cost = 0;          // estimated FLOPs; runs are claimed longest first
  int64_t params = 0;
};

struct RunRecord {
  int64_t id = 0;
  std::string sweep;
  std::string key;
  std::string name;
  std::string config_json;
  RunState state = RunState::Pending;
  int64_t attempts = 0;  // starts that failed or are under way (an interrupted start is not counted)
  double cost = 0;
  int64_t params = 0;
  std::string error;               // the last failure, "" if none
  std::string results_json;        // set when done, "" before
  std::optional<double> started;   // unix seconds of the latest start
  std::optional<double> finished;  // unix seconds it finished or last failed
  double runtime_s = 0;            // training time: the sum of its epochs' seconds, set when done or stopped
  int64_t rung = 0;                // early stopping: the rung it trains towards or stopped at (asha_rungs.h)
};

struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0;
  double val_loss = 0;
  double gap = 0;  // |val_loss - train_loss|
  double lr = 0;
  double seconds = 0;
  double images_per_second = 0;
};

struct EventRecord {
  double time = 0;  // unix seconds
  std::string sweep;
  std::string run_key;  // "" for sweep-level events
  std::string kind;     // e.g. "registered", "start", "done", "failed", "retry", "recovered"
  std::string message;
};

// One draw of a sampled trial (orchestrator/search/sampler.h).
struct TrialRecord {
  int64_t number = 0;             // 1-based draw counter within the sweep
  std::optional<int64_t> run_id;  // nullopt: the draw repeated a config the sweep has (nothing added)
  std::string method;             // random | sobol | tpe
  std::string proposal;           // random | sobol | startup (tpe's quasi-random start) | model | explore
  std::string state_json;         // the sampler state at the draw: seed, counter, unit point, model inputs
  double drawn = 0;               // unix seconds; set by the store
};

enum class Registration { Created, Unchanged, Replaced };

// A process working on a sweep (a coordinator, or a single-process sweep). It beats every
// kHeartbeatSeconds while it lives; one silent for kCoordinatorStaleSeconds is taken for dead.
struct CoordinatorRecord {
  int64_t id = 0;
  std::string host;
  int64_t pid = 0;
  double started = 0;           // unix seconds
  double heartbeat = 0;         // unix seconds of its latest beat
  std::optional<double> ended;  // set when it finished or stopped cleanly
};
inline constexpr double kHeartbeatSeconds = 5;
inline constexpr double kCoordinatorStaleSeconds = 30;

// This machine's host name (as coordinators' rows record it).
using common::this_host;

// Whether `c` still works on its sweep at `now`: not ended, a beat within kCoordinatorStaleSeconds,
// and, when it runs on this host, a process with its pid exists.
bool coordinator_alive(const CoordinatorRecord& c, double now);

class Store {
 public:
  // read_only = false: opens or creates the file (and its folder), in WAL mode, migrating an older
  // schema forward. read_only = true: never creates or migrates; works while a writer is active.
  // A file that is not ours, newer than this build, or corrupt is refused (StoreError), unchanged.
  explicit Store(const std::string& path, bool read_only = false);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  const std::string& path() const { return path_; }

  // Throws SpecChangedError (writing nothing) when register_sweep(sweep, fresh) would refuse the spec.
  void check_registration(const SweepInfo& sweep, bool fresh) const;
  // Registers a sweep. An existing sweep with the same canonical spec is kept (its spec text and
  // overrides and data file are updated); with a different one, SpecChangedError lists the differences, unless
  // `fresh`, which deletes the old sweep's runs, epochs and events first.
  Registration register_sweep(const SweepInfo& sweep, bool fresh = false);
  std::optional<SweepInfo> sweep(const std::string& name) const;
  std::vector<SweepInfo> sweeps() const;

  // Adds the runs whose key the sweep lacks, as pending; returns how many were new.
  int add_runs(const std::string& sweep, const std::vector<NewRun>& runs);
  // A process starts working on `sweep`: its coordinator id (its runs and heartbeat are kept under it).
  int64_t join_sweep(const std::string& sweep, const std::string& host, int64_t pid);
  void heartbeat(int64_t coordinator_id);                                       // heartbeat = now
  void leave_sweep(int64_t coordinator_id);                                     // ended = now
  std::vector<CoordinatorRecord> coordinators(const std::string& sweep) const;  // oldest first

  // The pending run at the highest rung, then with the largest cost, then the earliest added, becomes
  // running under `coordinator_id`: attempts + 1, started = now. nullopt when none is pending.
  std::optional<RunRecord> claim_next_pending(const std::string& sweep,
                                              std::optional<int64_t> coordinator_id = std::nullopt);
  void record_epoch(int64_t run_id, const EpochRecord& epoch);       // insert or replace that epoch's row
  void discard_epochs_after(int64_t run_id, int64_t epoch);          // drop rows of epochs > epoch
  void finish_run(int64_t run_id, const std::string& results_json);  // done; event "done"
  // Early stopping: the run pauses at its rung with the results so far (state stopped; event "stop"
  // with `why`), or goes on towards `rung` (state pending, attempts 0; event "promote" with `why`).
  void pause_run(int64_t run_id, const std::string& results_json, const std::string& why);
  void promote_run(int64_t run_id, int64_t rung, const std::string& why);
  // Records the error; the run goes back to pending while attempts < max_attempts, else to failed.
  RunState fail_run(int64_t run_id, const std::string& error, int64_t max_attempts);
  // Runs a crash left running (no coordinator, or one that is not alive) go back to pending; how many.
  // `own`: the caller's coordinator, whose runs are never taken back from it.
  int reset_running(const std::string& sweep, std::optional<int64_t> own = std::nullopt);
  int release_runs(int64_t coordinator_id);    // that coordinator's running runs -> pending (a clean stop)
  int reset_failed(const std::string& sweep);  // failed -> pending, attempts 0 (--retry-failed)

  // A sampled trial, drawn now: its run (pending, unless the sweep has that key already) and its trial
  // row, with a "sampled" event, in one transaction. Returns the new run's id, or nullopt for a repeat.
  std::optional<int64_t> add_trial(const std::string& sweep, const NewRun& run, const TrialRecord& trial);
  std::vector<TrialRecord> trials(const std::string& sweep) const;  // by number

  // Runs `body` holding the database's write lock (BEGIN IMMEDIATE): what it reads is current and
  // every change it makes commits together, or none when it throws; another process's writes wait.
  // Processes sharing a sweep take their decisions (assignments, draws, early stopping) this way.
  void exclusively(const std::function<void()>& body);
  // The newest event's id in the database: every change to a sweep's runs and trials logs one, so a
  // process that sees the number it left knows nobody else changed them.
  int64_t last_event_id() const;
  int64_t trained_epochs(const std::string& sweep) const;  // the epoch rows of all its runs
  bool any_active(const std::string& sweep) const;         // a run pending or running (an indexed look-up)

  std::vector<RunRecord> runs(const std::string& sweep) const;  // in the order they were added
  RunRecord run(int64_t run_id) const;
  std::vector<EpochRecord> epochs(int64_t run_id) const;  // by epoch

  void add_event(const std::string& sweep, std::optional<int64_t> run_id, const std::string& kind,
                 const std::string& message);
  std::vector<EventRecord> events(const std::string& sweep) const;  // oldest first

 private:
  int64_t sweep_id(const std::string& name) const;  // throws StoreError when unknown
  void close_run(int64_t run_id, RunState state, const std::string& results_json, const std::string& kind,
                 const std::string& message);

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace bokeh::orchestrator
