// The results store's writer: the read API (store_reader.h) with the writes added. Written by the
// coordinator (rank 0) only; `report` reads the same file read-only while a sweep runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store_reader.h"
#include "store/store_records.h"

namespace bokeh::orchestrator {

class Store : public StoreReader {
 public:
  // read_only = false: opens or creates the file (and its folder), in WAL mode, migrating an older
  // schema forward. read_only = true: as StoreReader, never creating or migrating.
  // A file that is not ours, newer than this build, or corrupt is refused (StoreError), unchanged.
  explicit Store(const std::string& path, bool read_only = false);

  // Throws SpecChangedError (writing nothing) when register_sweep(sweep, fresh) would refuse the spec.
  void check_registration(const SweepInfo& sweep, bool fresh) const;
  // Registers a sweep. An existing sweep with the same canonical spec is kept (its spec text and
  // overrides and data file are updated); with a different one, SpecChangedError lists the differences, unless
  // `fresh`, which deletes the old sweep's runs, epochs and events first.
  Registration register_sweep(const SweepInfo& sweep, bool fresh = false);

  // Adds the runs whose key the sweep lacks, as pending; returns how many were new.
  int add_runs(const std::string& sweep, const std::vector<NewRun>& runs);
  // A process starts working on `sweep`: its coordinator id (its runs and heartbeat are kept under it).
  int64_t join_sweep(const std::string& sweep, const std::string& host, int64_t pid);
  void heartbeat(int64_t coordinator_id);    // heartbeat = now
  void leave_sweep(int64_t coordinator_id);  // ended = now

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

  // Runs `body` holding the database's write lock (BEGIN IMMEDIATE): what it reads is current and
  // every change it makes commits together, or none when it throws; another process's writes wait.
  // Processes sharing a sweep take their decisions (assignments, draws, early stopping) this way.
  void exclusively(const std::function<void()>& body);

  void add_event(const std::string& sweep, std::optional<int64_t> run_id, const std::string& kind,
                 const std::string& message);

 private:
  void close_run(int64_t run_id, RunState state, const std::string& results_json, const std::string& kind,
                 const std::string& message);
};

}  // namespace bokeh::orchestrator
