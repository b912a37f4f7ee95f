// The results store's operations (SQLiteCpp, bound parameters only, a transaction around every
// multi-statement change). Schema and migrations: store_schema.cpp.
#include "orchestrator/store/store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <filesystem>
#include <thread>
#include <utility>

#include "common/local_process.h"
#include "common/unix_time.h"
#include "orchestrator/store/json_diff.h"
#include "orchestrator/store/write_transaction.h"

namespace bokeh::orchestrator {
namespace {

constexpr int kBusyTimeoutMs = 10000;

const char* const kRunColumns =
    "r.id, s.name, r.key, r.name, r.config, r.state, r.attempts, r.cost, r.params, r.error, r.results, "
    "r.started, r.finished, r.runtime, r.rung FROM runs r JOIN sweeps s ON s.id = r.sweep_id";

// Switches a database to WAL. SQLite answers this pragma with SQLITE_BUSY at once, without its busy
// handler, while another process is switching the same new database; so it is retried here.
void use_write_ahead_log(SQLite::Database& db) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const SQLite::Exception& e) {
      if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

RunState parse_state(const std::string& text) {
  for (RunState s : {RunState::Pending, RunState::Running, RunState::Done, RunState::Failed, RunState::Stopped}) {
    if (text == to_string(s)) return s;
  }
  throw StoreError(fmt::format("unknown run state \"{}\"", text));
}

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
  return r;
}

SweepInfo read_sweep(const SQLite::Statement& q) {
  return SweepInfo{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getDouble(),
                   q.getColumn(6).getString(), q.getColumn(7).getString()};
}

// Runs `body`, turning SQLite's exceptions into StoreErrors that name the file and the operation.
template <class Body>
auto guarded(const std::string& path, const char* operation, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{}: {}: {}", path, operation, e.what()));
  }
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

// Opens the database read-only. A WAL database on a read-only medium (an archived copy, a read-only
// mount) cannot get its shared-memory file; such a file is opened as immutable instead.
std::unique_ptr<SQLite::Database> open_read_only(const std::string& path) {
  struct statvfs medium {};
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  const bool read_only_medium = (::statvfs(folder.c_str(), &medium) == 0 && (medium.f_flag & ST_RDONLY) != 0) ||
                                ::access(folder.c_str(), W_OK) != 0;
  if (!read_only_medium) return std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
  std::string uri = "file:";
  for (const char c : std::filesystem::absolute(path).string()) {  // percent-encode what a URI reserves
    if (c == '%' || c == '?' || c == '#')
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else
      uri += c;
  }
  return std::make_unique<SQLite::Database>(uri + "?immutable=1", SQLite::OPEN_READONLY | SQLite::OPEN_URI);
}

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

TrialRecord read_trial(const SQLite::Statement& q) {
  TrialRecord t;
  t.number = q.getColumn(0).getInt64();
  if (!q.getColumn(1).isNull()) t.run_id = q.getColumn(1).getInt64();
  t.method = q.getColumn(2).getString();
  t.proposal = q.getColumn(3).getString();
  t.state_json = q.getColumn(4).getString();
  t.drawn = q.getColumn(5).getDouble();
  return t;
}

// Every row of `sql` (one parameter: the sweep's name), each read by `read`.
template <typename Read>
auto rows_of_sweep(SQLite::Database& db, const char* sql, const std::string& sweep, Read read)
    -> std::vector<decltype(read(std::declval<const SQLite::Statement&>()))> {
  SQLite::Statement q(db, sql);
  q.bind(1, sweep);
  std::vector<decltype(read(q))> out;
  while (q.executeStep()) out.push_back(read(q));
  return out;
}

}  // namespace

bool coordinator_alive(const CoordinatorRecord& c, double now) {
  if (c.ended || now - c.heartbeat > kCoordinatorStaleSeconds) return false;
  return c.host != common::this_host() || common::process_exists(c.pid);
}

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

namespace {
// What keeps `path` from being a database this process can open (a directory; for writing, a file or
// folder it may not write), as one line; "" when nothing does. SQLite's own words for these cases are
// "disk I/O error" and "not a readable SQLite database".
std::string unusable_path(const std::string& path, bool read_only) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error))
    return fmt::format("{}: is a directory, not a database file (--db names the file, e.g. {})", path,
                       (fs::path(path) / "sweeps.db").string());
  if (read_only) return "";
  const fs::path parent = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  const auto refused = [&](const fs::path& p) {
    if (::access(p.c_str(), W_OK) == 0) return std::string();
    const int reason = errno;
    if (reason == ENOENT) return std::string();
    return fmt::format("{}: cannot write {} ({}); a sweep records its results there: give --db a writable place{}",
                       path, p.string(), std::strerror(reason),
                       reason == EROFS ? " (this file system is mounted read-only; report can still read it)" : "");
  };
  if (fs::exists(path, error)) {
    if (std::string line = refused(path); !line.empty()) return line;
  }
  return fs::exists(parent, error) ? refused(parent) : "";  // WAL: the folder holds -wal and -shm files
}
}  // namespace

Store::Store(const std::string& path, bool read_only) : path_(path) {
  if (const std::string problem = unusable_path(path_, read_only); !problem.empty()) throw StoreError(problem);
  guarded(path_, "opening", [&] {
    if (read_only) {
      if (!std::filesystem::exists(path_)) {
        throw StoreError(fmt::format("{}: no results database here (a sweep creates it)", path_));
      }
      db_ = open_read_only(path_);
      db_->setBusyTimeout(kBusyTimeoutMs);
      const int version = inspect_store(*db_, path_);
      if (version == 0) throw StoreError(fmt::format("{}: empty; no sweep has written to it yet", path_));
      if (version < kStoreSchemaVersion) {
        throw StoreError(
            fmt::format("{}: schema version {} is older than this build's {}; run sweep on it "
                        "once to migrate it",
                        path_, version, kStoreSchemaVersion));
      }
      return;
    }
    const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db_->setBusyTimeout(kBusyTimeoutMs);
    const int version = inspect_store(*db_, path_);
    use_write_ahead_log(*db_);
    db_->exec("PRAGMA synchronous = NORMAL");
    migrate_store(*db_, path_, version);
    db_->exec("PRAGMA foreign_keys = ON");
  });
}

Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

int64_t Store::sweep_id(const std::string& name) const {
  SQLite::Statement q(*db_, "SELECT id FROM sweeps WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) throw StoreError(fmt::format("{}: no sweep named \"{}\"", path_, name));
  return q.getColumn(0).getInt64();
}

namespace {
// The refusal of a changed spec: what differs, and what to do.
SpecChangedError spec_changed(const std::string& path, const SweepInfo& sweep, const std::string& old_spec) {
  std::string lines;
  for (const std::string& line : json_diff(nlohmann::json::parse(old_spec), nlohmann::json::parse(sweep.spec_json)))
    lines += "\n  " + line;
  return SpecChangedError(
      fmt::format("{}: sweep \"{}\" is already registered with a different spec (stored -> now):{}\nrun with --fresh "
                  "to discard its results and start it anew, or give the sweep another name",
                  path, sweep.name, lines.empty() ? "\n  (the canonical texts differ)" : lines));
}
}  // namespace

void Store::check_registration(const SweepInfo& sweep, bool fresh) const {
  if (fresh) return;
  const std::optional<SweepInfo> stored = this->sweep(sweep.name);
  if (stored && stored->spec_json != sweep.spec_json) throw spec_changed(path_, sweep, stored->spec_json);
}

Registration Store::register_sweep(const SweepInfo& sweep, bool fresh) {
  return guarded(path_, "registering the sweep", [&] {
    WriteTransaction transaction(*db_);
    SQLite::Statement find(*db_, "SELECT id, spec_json FROM sweeps WHERE name = ?");
    find.bind(1, sweep.name);
    Registration result = Registration::Created;
    if (find.executeStep()) {
      const int64_t id = find.getColumn(0).getInt64();
      const std::string old_spec = find.getColumn(1).getString();
      find.reset();
      if (old_spec == sweep.spec_json) {
        SQLite::Statement update(*db_, "UPDATE sweeps SET spec_text = ?, overrides = ?, data_file = ? WHERE id = ?");
        SQLite::bind(update, sweep.spec_text, sweep.overrides_json, sweep.data_file, id);
        update.exec();
        transaction.commit();
        return Registration::Unchanged;
      }
      if (!fresh) throw spec_changed(path_, sweep, old_spec);
      SQLite::Statement remove(*db_, "DELETE FROM sweeps WHERE id = ?");
      remove.bind(1, id);
      remove.exec();
      result = Registration::Replaced;
    }
    SQLite::Statement insert(*db_,
                             "INSERT INTO sweeps (name, spec_text, spec_hash, spec_json, overrides, created, instance, "
                             "data_file) VALUES (?, ?, ?, ?, ?, ?, lower(hex(randomblob(16))), ?)");
    SQLite::bind(insert, sweep.name, sweep.spec_text, sweep.spec_hash, sweep.spec_json, sweep.overrides_json,
                 common::unix_now(), sweep.data_file);
    insert.exec();
    insert_event(*db_, db_->getLastInsertRowid(), std::nullopt, "registered",
                 result == Registration::Replaced ? "spec changed; started afresh" : "new sweep");
    transaction.commit();
    return result;
  });
}

std::optional<SweepInfo> Store::sweep(const std::string& name) const {
  return guarded(path_, "reading a sweep", [&]() -> std::optional<SweepInfo> {
    SQLite::Statement q(
        *db_,
        "SELECT name, spec_text, spec_hash, spec_json, overrides, created, instance, data_file FROM sweeps "
        "WHERE name = ?");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return read_sweep(q);
  });
}

std::vector<SweepInfo> Store::sweeps() const {
  return guarded(path_, "listing sweeps", [&] {
    SQLite::Statement q(
        *db_,
        "SELECT name, spec_text, spec_hash, spec_json, overrides, created, instance, data_file FROM sweeps "
        "ORDER BY id");
    std::vector<SweepInfo> out;
    while (q.executeStep()) out.push_back(read_sweep(q));
    return out;
  });
}

int Store::add_runs(const std::string& sweep, const std::vector<NewRun>& runs) {
  return guarded(path_, "adding runs", [&] {
    WriteTransaction transaction(*db_);
    const int64_t id = sweep_id(sweep);
    SQLite::Statement insert(*db_,
                             "INSERT INTO runs (sweep_id, key, name, config, cost, params) VALUES (?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (sweep_id, key) DO NOTHING");
    int added = 0;
    for (const NewRun& r : runs) {
      SQLite::bind(insert, id, r.key, r.name, r.config_json, r.cost, r.params);
      added += insert.exec();
      insert.reset();
    }
    transaction.commit();
    return added;
  });
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

std::vector<CoordinatorRecord> Store::coordinators(const std::string& sweep) const {
  return guarded(path_, "listing coordinators", [&] {
    return rows_of_sweep(*db_,
                         "SELECT c.id, c.host, c.pid, c.started, c.heartbeat, c.ended FROM coordinators c "
                         "JOIN sweeps s ON s.id = c.sweep_id WHERE s.name = ? ORDER BY c.id",
                         sweep, read_coordinator);
  });
}

std::optional<RunRecord> Store::claim_next_pending(const std::string& sweep, std::optional<int64_t> coordinator_id) {
  return guarded(path_, "claiming a run", [&]() -> std::optional<RunRecord> {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    SQLite::Statement pick(*db_,
                           "SELECT id, attempts FROM runs WHERE sweep_id = ? AND state = 'pending' "
                           "ORDER BY rung DESC, cost DESC, id LIMIT 1");
    pick.bind(1, sid);
    if (!pick.executeStep()) return std::nullopt;
    const int64_t id = pick.getColumn(0).getInt64();
    const int64_t attempt = pick.getColumn(1).getInt64() + 1;
    pick.reset();
    SQLite::Statement update(*db_,
                             "UPDATE runs SET state = 'running', attempts = ?, started = ?, finished = NULL, "
                             "coordinator_id = ? WHERE id = ?");
    update.bind(1, attempt);
    update.bind(2, common::unix_now());
    if (coordinator_id)
      update.bind(3, *coordinator_id);
    else
      update.bind(3);  // NULL: no coordinator
    update.bind(4, id);
    update.exec();
    insert_event(*db_, sid, id, "start", fmt::format("attempt {}", attempt));
    transaction.commit();
    return run(id);
  });
}

void Store::record_epoch(int64_t run_id, const EpochRecord& e) {
  guarded(path_, "recording an epoch", [&] {
    SQLite::Statement q(*db_,
                        "INSERT INTO epochs (run_id, epoch, train_loss, val_loss, gap, lr, seconds, images_per_second) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, epoch) DO UPDATE SET "
                        "train_loss = excluded.train_loss, val_loss = excluded.val_loss, gap = excluded.gap, "
                        "lr = excluded.lr, seconds = excluded.seconds, images_per_second = excluded.images_per_second");
    SQLite::bind(q, run_id, e.epoch, e.train_loss, e.val_loss, e.gap, e.lr, e.seconds, e.images_per_second);
    q.exec();
  });
}

void Store::discard_epochs_after(int64_t run_id, int64_t epoch) {
  guarded(path_, "discarding epochs", [&] {
    SQLite::Statement q(*db_, "DELETE FROM epochs WHERE run_id = ? AND epoch > ?");
    SQLite::bind(q, run_id, epoch);
    q.exec();
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
    const RunRecord r = run(run_id);
    SQLite::Statement q(*db_,
                        "UPDATE runs SET state = ?, results = ?, error = '', finished = ?, "
                        "runtime = (SELECT COALESCE(SUM(seconds), 0) FROM epochs WHERE run_id = ?) WHERE id = ?");
    SQLite::bind(q, to_string(state), results_json, common::unix_now(), run_id, run_id);
    q.exec();
    insert_event(*db_, sweep_id(r.sweep), run_id, kind, message);
    transaction.commit();
  });
}

void Store::promote_run(int64_t run_id, int64_t rung, const std::string& why) {
  guarded(path_, "promoting a run", [&] {
    WriteTransaction transaction(*db_);
    const RunRecord r = run(run_id);
    SQLite::Statement q(*db_, "UPDATE runs SET state = 'pending', rung = ?, attempts = 0 WHERE id = ?");
    SQLite::bind(q, rung, run_id);
    q.exec();
    insert_event(*db_, sweep_id(r.sweep), run_id, "promote", why);
    transaction.commit();
  });
}

RunState Store::fail_run(int64_t run_id, const std::string& error, int64_t max_attempts) {
  return guarded(path_, "recording a failure", [&] {
    WriteTransaction transaction(*db_);
    const RunRecord r = run(run_id);
    const RunState next = r.attempts < max_attempts ? RunState::Pending : RunState::Failed;
    SQLite::Statement q(*db_, "UPDATE runs SET state = ?, error = ?, finished = ? WHERE id = ?");
    SQLite::bind(q, to_string(next), error, common::unix_now(), run_id);
    q.exec();
    insert_event(*db_, sweep_id(r.sweep), run_id, next == RunState::Pending ? "retry" : "failed",
                 fmt::format("attempt {} of {}: {}", r.attempts, max_attempts, error));
    transaction.commit();
    return next;
  });
}

int Store::reset_running(const std::string& sweep, std::optional<int64_t> own) {
  return guarded(path_, "recovering running runs", [&] {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    // Each running run with its coordinator's columns (NULLs when it has none).
    SQLite::Statement running(*db_,
                              "SELECT r.id, c.id, c.host, c.pid, c.started, c.heartbeat, c.ended FROM runs r "
                              "LEFT JOIN coordinators c ON c.id = r.coordinator_id "
                              "WHERE r.sweep_id = ? AND r.state = 'running'");
    running.bind(1, sid);
    std::vector<int64_t> orphans;
    const double t = common::unix_now();
    while (running.executeStep()) {
      if (running.getColumn(1).isNull()) {
        orphans.push_back(running.getColumn(0).getInt64());
        continue;
      }
      if (own && running.getColumn(1).getInt64() == *own) continue;
      CoordinatorRecord c;
      c.host = running.getColumn(2).getString();
      c.pid = running.getColumn(3).getInt64();
      c.heartbeat = running.getColumn(5).getDouble();
      c.ended = optional_real(running.getColumn(6));
      if (!coordinator_alive(c, t)) orphans.push_back(running.getColumn(0).getInt64());
    }
    running.reset();
    SQLite::Statement q(*db_,
                        "UPDATE runs SET state = 'pending', attempts = MAX(attempts - 1, 0), coordinator_id = NULL "
                        "WHERE id = ?");
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
    SQLite::Statement q(*db_,
                        "UPDATE runs SET state = 'pending', attempts = MAX(attempts - 1, 0), coordinator_id = NULL "
                        "WHERE coordinator_id = ? AND state = 'running'");
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

std::optional<int64_t> Store::add_trial(const std::string& sweep, const NewRun& r, const TrialRecord& trial) {
  return guarded(path_, "adding a trial", [&]() -> std::optional<int64_t> {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    SQLite::Statement insert(*db_,
                             "INSERT INTO runs (sweep_id, key, name, config, cost, params) VALUES (?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (sweep_id, key) DO NOTHING");
    SQLite::bind(insert, sid, r.key, r.name, r.config_json, r.cost, r.params);
    std::optional<int64_t> run_id;
    if (insert.exec() > 0) run_id = db_->getLastInsertRowid();
    SQLite::Statement row(*db_,
                          "INSERT INTO trials (sweep_id, number, run_id, method, proposal, state, drawn) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
    row.bind(1, sid);
    row.bind(2, trial.number);
    if (run_id)
      row.bind(3, *run_id);
    else
      row.bind(3);  // NULL: a repeat
    row.bind(4, trial.method);
    row.bind(5, trial.proposal);
    row.bind(6, trial.state_json);
    row.bind(7, common::unix_now());
    row.exec();
    insert_event(*db_, sid, run_id, "sampled",
                 fmt::format("trial {} ({}){}", trial.number, trial.proposal,
                             run_id ? "" : fmt::format(": the same config as a run the sweep has ({})", r.name)));
    transaction.commit();
    return run_id;
  });
}

void Store::exclusively(const std::function<void()>& body) {
  WriteTransaction transaction(*db_);
  body();
  guarded(path_, "committing", [&] { transaction.commit(); });
}

int64_t Store::last_event_id() const {
  return guarded(path_, "reading the last event", [&] {
    SQLite::Statement q(*db_, "SELECT COALESCE(MAX(id), 0) FROM events");
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

std::vector<TrialRecord> Store::trials(const std::string& sweep) const {
  return guarded(path_, "listing trials", [&] {
    return rows_of_sweep(*db_,
                         "SELECT t.number, t.run_id, t.method, t.proposal, t.state, t.drawn FROM trials t "
                         "JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = ? ORDER BY t.number",
                         sweep, read_trial);
  });
}

int64_t Store::trained_epochs(const std::string& sweep) const {
  return guarded(path_, "counting epochs", [&] {
    SQLite::Statement q(*db_, "SELECT COUNT(*) FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.sweep_id = ?");
    q.bind(1, sweep_id(sweep));
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

bool Store::any_active(const std::string& sweep) const {
  return guarded(path_, "looking for active runs", [&] {
    SQLite::Statement q(*db_, "SELECT 1 FROM runs WHERE sweep_id = ? AND state IN ('pending', 'running') LIMIT 1");
    q.bind(1, sweep_id(sweep));
    return q.executeStep();
  });
}

std::vector<RunRecord> Store::runs(const std::string& sweep) const {
  return guarded(path_, "listing runs", [&] {
    SQLite::Statement q(*db_, fmt::format("SELECT {} WHERE s.name = ? ORDER BY r.id", kRunColumns));
    q.bind(1, sweep);
    std::vector<RunRecord> out;
    while (q.executeStep()) out.push_back(read_run(q));
    return out;
  });
}

RunRecord Store::run(int64_t run_id) const {
  return guarded(path_, "reading a run", [&] {
    SQLite::Statement q(*db_, fmt::format("SELECT {} WHERE r.id = ?", kRunColumns));
    q.bind(1, run_id);
    if (!q.executeStep()) throw StoreError(fmt::format("{}: no run with id {}", path_, run_id));
    return read_run(q);
  });
}

std::vector<EpochRecord> Store::epochs(int64_t run_id) const {
  return guarded(path_, "reading epochs", [&] {
    SQLite::Statement q(*db_,
                        "SELECT epoch, train_loss, val_loss, gap, lr, seconds, images_per_second FROM epochs "
                        "WHERE run_id = ? ORDER BY epoch");
    q.bind(1, run_id);
    std::vector<EpochRecord> out;
    while (q.executeStep()) {
      out.push_back(EpochRecord{q.getColumn(0).getInt64(), q.getColumn(1).getDouble(), q.getColumn(2).getDouble(),
                                q.getColumn(3).getDouble(), q.getColumn(4).getDouble(), q.getColumn(5).getDouble(),
                                q.getColumn(6).getDouble()});
    }
    return out;
  });
}

void Store::add_event(const std::string& sweep, std::optional<int64_t> run_id, const std::string& kind,
                      const std::string& message) {
  guarded(path_, "adding an event", [&] { insert_event(*db_, sweep_id(sweep), run_id, kind, message); });
}

std::vector<EventRecord> Store::events(const std::string& sweep) const {
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
