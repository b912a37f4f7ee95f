// The results store: one SQLite file in WAL mode holding sweeps (spec text, canonical spec, --set
// overrides), their runs (config, state, attempts, cost, rung, results), one row per run and epoch, and
// events. Written by the coordinator (rank 0) only; `report` reads it read-only while a sweep runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  std::string error;         // the last failure, "" if none
  std::string results_json;  // set when done, "" before
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

enum class Registration { Created, Unchanged, Replaced };

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

  // Registers a sweep. An existing sweep with the same canonical spec is kept (its spec text and
  // overrides are updated); with a different one, SpecChangedError lists the differences, unless
  // `fresh`, which deletes the old sweep's runs, epochs and events first.
  Registration register_sweep(const SweepInfo& sweep, bool fresh = false);
  std::optional<SweepInfo> sweep(const std::string& name) const;
  std::vector<SweepInfo> sweeps() const;

  // Adds the runs whose key the sweep lacks, as pending; returns how many were new.
  int add_runs(const std::string& sweep, const std::vector<NewRun>& runs);
  // The pending run at the highest rung, then with the largest cost, then the earliest added, becomes
  // running: attempts + 1, started = now. nullopt when none is pending.
  std::optional<RunRecord> claim_next_pending(const std::string& sweep);
  void record_epoch(int64_t run_id, const EpochRecord& epoch);  // insert or replace that epoch's row
  void discard_epochs_after(int64_t run_id, int64_t epoch);     // drop rows of epochs > epoch
  void finish_run(int64_t run_id, const std::string& results_json);  // done; event "done"
  // Early stopping: the run pauses at its rung with the results so far (state stopped; event "stop"
  // with `why`), or goes on towards `rung` (state pending, attempts 0; event "promote" with `why`).
  void pause_run(int64_t run_id, const std::string& results_json, const std::string& why);
  void promote_run(int64_t run_id, int64_t rung, const std::string& why);
  // Records the error; the run goes back to pending while attempts < max_attempts, else to failed.
  RunState fail_run(int64_t run_id, const std::string& error, int64_t max_attempts);
  int reset_running(const std::string& sweep);  // running -> pending after a crash; returns how many
  int reset_failed(const std::string& sweep);   // failed -> pending, attempts 0 (--retry-failed)

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
