// The run queue: runs added as pending, claimed costliest first, and closed (done, stopped at a rung,
// promoted, failed or retried); runs a crash or a clean stop left running go back to pending.
#include <SQLiteCpp/VariadicBind.h>
#include <fmt/format.h>

#include "common/unix_time.h"
#include "store/store.h"
#include "store/store_rows.h"
#include "store/write_transaction.h"

namespace bokeh::orchestrator {
namespace {

using store_rows::guarded;
using store_rows::insert_event;

// A running run given back: pending, its interrupted start not counted, no coordinator; followed by the
// WHERE clause that picks the runs.
const char* const kGiveBackRuns =
    "UPDATE runs SET state = 'pending', attempts = MAX(attempts - 1, 0), coordinator_id = NULL WHERE ";

StoreError unknown_run(const std::string& path, int64_t run_id) {
  return StoreError(fmt::format("{}: no run with id {}", path, run_id));
}

// What a change to one run needs of its row: its sweep (for the event) and its attempts.
struct RunOwner {
  int64_t sweep_id = 0;
  int64_t attempts = 0;
};

RunOwner run_owner(SQLite::Database& db, const std::string& path, int64_t run_id) {
  SQLite::Statement q(db, "SELECT sweep_id, attempts FROM runs WHERE id = ?");
  q.bind(1, run_id);
  if (!q.executeStep()) throw unknown_run(path, run_id);
  return RunOwner{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
}

}  // namespace

int Store::add_runs(const std::string& sweep, const std::vector<NewRun>& runs) {
  return guarded(path_, "adding runs", [&] {
    WriteTransaction transaction(*db_);
    const int64_t id = sweep_id(sweep);
    SQLite::Statement insert(*db_, store_rows::kInsertRun);
    int added = 0;
    for (const NewRun& r : runs) added += store_rows::insert_run(insert, id, r);
    transaction.commit();
    return added;
  });
}

std::optional<RunRecord> Store::claim_next_pending(const std::string& sweep, std::optional<int64_t> coordinator_id) {
  return guarded(path_, "claiming a run", [&]() -> std::optional<RunRecord> {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    SQLite::Statement pick(*db_, std::string(store_rows::kSelectRuns) +
                                     " WHERE r.sweep_id = ? AND r.state = 'pending' "
                                     "ORDER BY r.rung DESC, r.cost DESC, r.id LIMIT 1");
    pick.bind(1, sid);
    if (!pick.executeStep()) return std::nullopt;
    RunRecord claimed = store_rows::read_run(pick);  // as it is about to become: no read-back
    pick.reset();
    claimed.state = RunState::Running;
    claimed.attempts += 1;
    claimed.started = common::unix_now();
    claimed.finished.reset();
    SQLite::Statement update(*db_,
                             "UPDATE runs SET state = 'running', attempts = ?, started = ?, finished = NULL, "
                             "coordinator_id = ? WHERE id = ?");
    update.bind(1, claimed.attempts);
    update.bind(2, *claimed.started);
    if (coordinator_id)
      update.bind(3, *coordinator_id);
    else
      update.bind(3);  // NULL: no coordinator
    update.bind(4, claimed.id);
    update.exec();
    insert_event(*db_, sid, claimed.id, "start", fmt::format("attempt {}", claimed.attempts));
    transaction.commit();
    return claimed;
  });
}

void Store::finish_run(int64_t run_id, const std::string& results_json) {
  close_run(run_id, RunState::Done, results_json, "done", "");
}

void Store::pause_run(int64_t run_id, const std::string& results_json, const std::string& why) {
  close_run(run_id, RunState::Stopped, results_json, "stop", why);
}

void Store::close_run(int64_t run_id, RunState state, const std::string& results_json, const std::string& kind,
                      const std::string& message) {
  guarded(path_, "closing a run", [&] {
    WriteTransaction transaction(*db_);
    const RunOwner owner = run_owner(*db_, path_, run_id);
    SQLite::Statement q(*db_,
                        "UPDATE runs SET state = ?, results = ?, error = '', finished = ?, "
                        "runtime = (SELECT COALESCE(SUM(seconds), 0) FROM epochs WHERE run_id = ?) WHERE id = ?");
    SQLite::bind(q, to_string(state), results_json, common::unix_now(), run_id, run_id);
    q.exec();
    insert_event(*db_, owner.sweep_id, run_id, kind, message);
    transaction.commit();
  });
}

void Store::promote_run(int64_t run_id, int64_t rung, const std::string& why) {
  guarded(path_, "promoting a run", [&] {
    WriteTransaction transaction(*db_);
    const RunOwner owner = run_owner(*db_, path_, run_id);
    SQLite::Statement q(*db_, "UPDATE runs SET state = 'pending', rung = ?, attempts = 0 WHERE id = ?");
    SQLite::bind(q, rung, run_id);
    q.exec();
    insert_event(*db_, owner.sweep_id, run_id, "promote", why);
    transaction.commit();
  });
}

RunState Store::fail_run(int64_t run_id, const std::string& error, int64_t max_attempts) {
  return guarded(path_, "recording a failure", [&] {
    WriteTransaction transaction(*db_);
    const RunOwner owner = run_owner(*db_, path_, run_id);
    const RunState next = owner.attempts < max_attempts ? RunState::Pending : RunState::Failed;
    SQLite::Statement q(*db_, "UPDATE runs SET state = ?, error = ?, finished = ? WHERE id = ?");
    SQLite::bind(q, to_string(next), error, common::unix_now(), run_id);
    q.exec();
    insert_event(*db_, owner.sweep_id, run_id, next == RunState::Pending ? "retry" : "failed",
                 fmt::format("attempt {} of {}: {}", owner.attempts, max_attempts, error));
    transaction.commit();
    return next;
  });
}

int Store::reset_running(const std::string& sweep, std::optional<int64_t> own) {
  return guarded(path_, "recovering running runs", [&] {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    // Each running run with its coordinator's columns (NULLs when it has none).
    SQLite::Statement running(*db_, fmt::format("SELECT r.id, {} FROM runs r "
                                                "LEFT JOIN coordinators c ON c.id = r.coordinator_id "
                                                "WHERE r.sweep_id = ? AND r.state = 'running'",
                                                store_rows::kCoordinatorColumns));
    running.bind(1, sid);
    std::vector<int64_t> orphans;
    const double t = common::unix_now();
    while (running.executeStep()) {
      if (running.getColumn(1).isNull()) {
        orphans.push_back(running.getColumn(0).getInt64());
        continue;
      }
      const CoordinatorRecord c = store_rows::read_coordinator(running, 1);
      if (own && c.id == *own) continue;
      if (!coordinator_alive(c, t)) orphans.push_back(running.getColumn(0).getInt64());
    }
    running.reset();
    SQLite::Statement q(*db_, std::string(kGiveBackRuns) + "id = ?");
    for (const int64_t id : orphans) {
      q.bind(1, id);
      q.exec();
      q.reset();
    }
    const int count = static_cast<int>(orphans.size());
    if (count > 0) insert_event(*db_, sid, std::nullopt, "recovered", fmt::format("{} interrupted runs", count));
    transaction.commit();
    return count;
  });
}

int Store::release_runs(int64_t coordinator_id) {
  return guarded(path_, "releasing running runs", [&] {
    SQLite::Statement q(*db_, std::string(kGiveBackRuns) + "coordinator_id = ? AND state = 'running'");
    q.bind(1, coordinator_id);
    return q.exec();
  });
}

int Store::reset_failed(const std::string& sweep) {
  return guarded(path_, "resetting failed runs", [&] {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    SQLite::Statement q(*db_,
                        "UPDATE runs SET state = 'pending', attempts = 0 WHERE sweep_id = ? AND state = 'failed'");
    q.bind(1, sid);
    const int count = q.exec();
    if (count > 0) insert_event(*db_, sid, std::nullopt, "retry-failed", fmt::format("{} failed runs", count));
    transaction.commit();
    return count;
  });
}

bool StoreReader::any_active(const std::string& sweep) const {
  return guarded(path_, "looking for active runs", [&] {
    SQLite::Statement q(*db_, "SELECT 1 FROM runs WHERE sweep_id = ? AND state IN ('pending', 'running') LIMIT 1");
    q.bind(1, sweep_id(sweep));
    return q.executeStep();
  });
}

std::vector<RunRecord> StoreReader::runs(const std::string& sweep) const {
  return guarded(path_, "listing runs", [&] {
    SQLite::Statement q(*db_, std::string(store_rows::kSelectRuns) + " WHERE s.name = ? ORDER BY r.id");
    q.bind(1, sweep);
    std::vector<RunRecord> out;
    while (q.executeStep()) out.push_back(store_rows::read_run(q));
    return out;
  });
}

RunRecord StoreReader::run(int64_t run_id) const {
  return guarded(path_, "reading a run", [&] {
    SQLite::Statement q(*db_, std::string(store_rows::kSelectRuns) + " WHERE r.id = ?");
    q.bind(1, run_id);
    if (!q.executeStep()) throw unknown_run(path_, run_id);
    return store_rows::read_run(q);
  });
}

}  // namespace bokeh::orchestrator
