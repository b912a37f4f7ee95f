// The event log: one row per change to a sweep's runs and trials (and a few sweep-level ones), read
// back oldest first; its newest id tells a process whether anybody else changed the sweep.
#include "store/store.h"
#include "store/store_rows.h"

namespace bokeh::orchestrator {

using store_rows::guarded;
using store_rows::insert_event;

int64_t StoreReader::last_event_id() const {
  return guarded(path_, "reading the last event", [&] {
    SQLite::Statement q(*db_, "SELECT COALESCE(MAX(id), 0) FROM events");
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

void Store::add_event(const std::string& sweep, std::optional<int64_t> run_id, const std::string& kind,
                      const std::string& message) {
  guarded(path_, "adding an event", [&] { insert_event(*db_, sweep_id(sweep), run_id, kind, message); });
}

std::vector<EventRecord> StoreReader::events(const std::string& sweep) const {
  return guarded(path_, "reading events", [&] {
    SQLite::Statement q(*db_,
                        "SELECT e.time, s.name, COALESCE(r.key, ''), e.kind, e.message FROM events e "
                        "JOIN sweeps s ON s.id = e.sweep_id LEFT JOIN runs r ON r.id = e.run_id "
                        "WHERE s.name = ? ORDER BY e.id");
    q.bind(1, sweep);
    std::vector<EventRecord> out;
    while (q.executeStep()) {
      out.push_back(EventRecord{q.getColumn(0).getDouble(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                                q.getColumn(3).getString(), q.getColumn(4).getString()});
    }
    return out;
  });
}

}  // namespace bokeh::orchestrator
