// Coordinator liveness: the rows of the processes working on a sweep, their heartbeats and endings, and
// whether one still lives.
#include <SQLiteCpp/VariadicBind.h>

#include "common/local_process.h"
#include "common/unix_time.h"
#include "orchestrator/store/store.h"
#include "orchestrator/store/store_rows.h"

namespace bokeh::orchestrator {
namespace {

using store_rows::guarded;
using store_rows::optional_real;
using store_rows::rows_of_sweep;

CoordinatorRecord read_coordinator(const SQLite::Statement& q) {
  CoordinatorRecord c;
  c.id = q.getColumn(0).getInt64();
  c.host = q.getColumn(1).getString();
  c.pid = q.getColumn(2).getInt64();
  c.started = q.getColumn(3).getDouble();
  c.heartbeat = q.getColumn(4).getDouble();
  c.ended = optional_real(q.getColumn(5));
  return c;
}

}  // namespace

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
    return rows_of_sweep(*db_,
                         "SELECT c.id, c.host, c.pid, c.started, c.heartbeat, c.ended FROM coordinators c "
                         "JOIN sweeps s ON s.id = c.sweep_id WHERE s.name = ? ORDER BY c.id",
                         sweep, read_coordinator);
  });
}

}  // namespace bokeh::orchestrator
