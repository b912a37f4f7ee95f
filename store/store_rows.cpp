// The store's shared row readers and writers: runs (their state names too), coordinators and events.
#include "store/store_rows.h"

#include <SQLiteCpp/VariadicBind.h>

#include "common/unix_time.h"

namespace bokeh::orchestrator {

const char* to_string(RunState state) {
  switch (state) {
    case RunState::Pending:
      return "pending";
    case RunState::Running:
      return "running";
    case RunState::Done:
      return "done";
    case RunState::Failed:
      return "failed";
    case RunState::Stopped:
      return "stopped";
  }
  return "?";
}

namespace store_rows {
namespace {

RunState parse_state(const std::string& text) {
  for (RunState s : {RunState::Pending, RunState::Running, RunState::Done, RunState::Failed, RunState::Stopped}) {
    if (text == to_string(s)) return s;
  }
  throw StoreError(fmt::format("unknown run state \"{}\"", text));
}

}  // namespace

std::optional<double> optional_real(const SQLite::Column& c) {
  return c.isNull() ? std::nullopt : std::optional<double>(c.getDouble());
}

RunRecord read_run(const SQLite::Statement& q) {
  RunRecord r;
  r.id = q.getColumn(0).getInt64();
  r.sweep = q.getColumn(1).getString();
  r.key = q.getColumn(2).getString();
  r.name = q.getColumn(3).getString();
  r.config_json = q.getColumn(4).getString();
  r.state = parse_state(q.getColumn(5).getString());
  r.attempts = q.getColumn(6).getInt64();
  r.cost = q.getColumn(7).getDouble();
  r.params = q.getColumn(8).getInt64();
  r.error = q.getColumn(9).getString();
  r.results_json = q.getColumn(10).getString();
  r.started = optional_real(q.getColumn(11));
  r.finished = optional_real(q.getColumn(12));
  r.runtime_s = q.getColumn(13).getDouble();
  r.rung = q.getColumn(14).getInt64();
  r.epochs = q.getColumn(15).getInt64();
  r.seed = static_cast<uint64_t>(q.getColumn(16).getInt64());
  return r;
}

CoordinatorRecord read_coordinator(const SQLite::Statement& q, int first) {
  CoordinatorRecord c;
  c.id = q.getColumn(first).getInt64();
  c.host = q.getColumn(first + 1).getString();
  c.pid = q.getColumn(first + 2).getInt64();
  c.started = q.getColumn(first + 3).getDouble();
  c.heartbeat = q.getColumn(first + 4).getDouble();
  c.ended = optional_real(q.getColumn(first + 5));
  return c;
}

int insert_run(SQLite::Statement& insert, int64_t sweep_id, const NewRun& run) {
  SQLite::bind(insert, sweep_id, run.key, run.name, run.config_json, run.cost, run.params, run.epochs,
               static_cast<int64_t>(run.seed));  // below 2^63 + repeats: SQLite's signed integer holds it
  const int added = insert.exec();
  insert.reset();
  return added;
}

void insert_event(SQLite::Database& db, int64_t sweep_id, std::optional<int64_t> run_id, const std::string& kind,
                  const std::string& message) {
  SQLite::Statement q(db, "INSERT INTO events (time, sweep_id, run_id, kind, message) VALUES (?, ?, ?, ?, ?)");
  q.bind(1, common::unix_now());
  q.bind(2, sweep_id);
  if (run_id) q.bind(3, *run_id);
  q.bind(4, kind);
  q.bind(5, message);
  q.exec();
}

}  // namespace store_rows
}  // namespace bokeh::orchestrator
