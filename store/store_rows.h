// What the store's files share (not for other folders): the SQL text of the rows more than one operation
// reads or writes, their readers, the event insert, and turning SQLite's exceptions into StoreErrors.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace bokeh::orchestrator::store_rows {

inline constexpr int kBusyTimeoutMs = 10000;

// A run's columns as read_run() reads them; followed by a WHERE clause.
inline constexpr const char* kSelectRuns =
    "SELECT r.id, s.name, r.key, r.name, r.config, r.state, r.attempts, r.cost, r.params, r.error, r.results, "
    "r.started, r.finished, r.runtime, r.rung, r.epochs, r.seed FROM runs r JOIN sweeps s ON s.id = r.sweep_id";
// A new pending run (insert_run's parameters); a key the sweep has is left as it is.
inline constexpr const char* kInsertRun =
    "INSERT INTO runs (sweep_id, key, name, config, cost, params, epochs, seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (sweep_id, key) DO NOTHING";

// A coordinator's columns (table alias c) as read_coordinator() reads them.
inline constexpr const char* kCoordinatorColumns = "c.id, c.host, c.pid, c.started, c.heartbeat, c.ended";

std::optional<double> optional_real(const SQLite::Column& c);
RunRecord read_run(const SQLite::Statement& q);  // a row of kSelectRuns
// The kCoordinatorColumns of a row, from its column `first` on.
CoordinatorRecord read_coordinator(const SQLite::Statement& q, int first = 0);

// Binds `run` to a statement of kInsertRun and runs it: 1 when added, 0 when the sweep has its key.
int insert_run(SQLite::Statement& insert, int64_t sweep_id, const NewRun& run);

void insert_event(SQLite::Database& db, int64_t sweep_id, std::optional<int64_t> run_id, const std::string& kind,
                  const std::string& message);

// Runs `body`, turning SQLite's exceptions into StoreErrors that name the file and the operation.
template <class Body>
auto guarded(const std::string& path, const char* operation, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{}: {}: {}", path, operation, e.what()));
  }
}

// Every row of `sql` (one parameter: the sweep's name), each read by `read`.
template <typename Read>
auto rows_of_sweep(SQLite::Database& db, const std::string& sql, const std::string& sweep, Read read)
    -> std::vector<decltype(read(std::declval<const SQLite::Statement&>()))> {
  SQLite::Statement q(db, sql);
  q.bind(1, sweep);
  std::vector<decltype(read(q))> out;
  while (q.executeStep()) out.push_back(read(q));
  return out;
}

}  // namespace bokeh::orchestrator::store_rows
