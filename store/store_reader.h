// The results store's read API: one SQLite file in WAL mode holding sweeps (spec text, canonical spec,
// --set overrides), their runs (config, epochs, seed, state, attempts, cost, rung, results), one row per
// run and epoch, events, sampled trials and coordinators. `report` reads through it while a sweep runs;
// the writer (store.h) is the same class with the writes added.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store_records.h"

namespace bokeh::orchestrator {

class StoreReader {
 public:
  // Opens a database read-only: never creates or migrates; works while a writer is active. A file
  // that is not ours, older or newer than this build, or corrupt is refused (StoreError), unchanged.
  explicit StoreReader(const std::string& path);
  ~StoreReader();
  StoreReader(StoreReader&&) noexcept;
  StoreReader& operator=(StoreReader&&) noexcept;

  const std::string& path() const { return path_; }

  std::optional<SweepInfo> sweep(const std::string& name) const;
  std::vector<SweepInfo> sweeps() const;
  std::vector<CoordinatorRecord> coordinators(const std::string& sweep) const;  // oldest first
  std::vector<TrialRecord> trials(const std::string& sweep) const;              // by number

  // The newest event's id in the database: every change to a sweep's runs and trials logs one, so a
  // process that sees the number it left knows nobody else changed them.
  int64_t last_event_id() const;
  int64_t trained_epochs(const std::string& sweep) const;  // the epoch rows of all its runs
  bool any_active(const std::string& sweep) const;         // a run pending or running (an indexed look-up)

  std::vector<RunRecord> runs(const std::string& sweep) const;  // in the order they were added
  RunRecord run(int64_t run_id) const;
  std::vector<EpochRecord> epochs(int64_t run_id) const;            // by epoch
  std::vector<EventRecord> events(const std::string& sweep) const;  // oldest first

 protected:
  // read_only = false (the writer, store.h): opens or creates the file (and its folder), in WAL mode,
  // migrating an older schema forward.
  StoreReader(const std::string& path, bool read_only);
  int64_t sweep_id(const std::string& name) const;  // throws StoreError when unknown

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace bokeh::orchestrator
