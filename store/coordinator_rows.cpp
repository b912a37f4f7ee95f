// Coordinator liveness: the rows of the processes working on a sweep, their heartbeats and endings, and
// whether one still lives.
#include <SQLiteCpp/VariadicBind.h>
#include <fmt/format.h>

#include "common/local_process.h"
#include "common/unix_time.h"
#include "store/store.h"
#include "store/store_rows.h"

namespace bokeh::orchestrator {

using store_rows::guarded;

bool coordinator_alive(const CoordinatorRecord& c, double now) {
  if (c.ended || now - c.heartbeat > kCoordinatorStaleSeconds) return false;
  return c.host != common::this_host() || common::process_exists(c.pid);
}

int64_t Store::join_sweep(const std::string& sweep, const std::string& host, int64_t pid) {
  return guarded(path_, "joining the sweep", [&] {
    SQLite::Statement q(*db_,
                        "INSERT INTO coordinators (sweep_id, host, pid, started, heartbeat) VALUES (?, ?, ?, ?, ?)");
    const double t = common::unix_now();
    SQLite::bind(q, sweep_id(sweep), host, pid, t, t);
    q.exec();
    return db_->getLastInsertRowid();
  });
}

void Store::heartbeat(int64_t coordinator_id) {
  guarded(path_, "recording a heartbeat", [&] {
    SQLite::Statement q(*db_, "UPDATE coordinators SET heartbeat = ? WHERE id = ?");
    SQLite::bind(q, common::unix_now(), coordinator_id);
    q.exec();
  });
}

void Store::leave_sweep(int64_t coordinator_id) {
  guarded(path_, "leaving the sweep", [&] {
    SQLite::Statement q(*db_, "UPDATE coordinators SET ended = ?, heartbeat = ? WHERE id = ?");
    const double t = common::unix_now();
    SQLite::bind(q, t, t, coordinator_id);
    q.exec();
  });
}

std::vector<CoordinatorRecord> StoreReader::coordinators(const std::string& sweep) const {
  return guarded(path_, "listing coordinators", [&] {
    return store_rows::rows_of_sweep(
        *db_,
        fmt::format("SELECT {} FROM coordinators c JOIN sweeps s ON s.id = c.sweep_id WHERE s.name = ? ORDER BY c.id",
                    store_rows::kCoordinatorColumns),
        sweep, [](const SQLite::Statement& q) { return store_rows::read_coordinator(q); });
  });
}

}  // namespace bokeh::orchestrator
