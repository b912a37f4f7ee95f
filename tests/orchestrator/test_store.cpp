// The results store: round trips, claiming order, idempotent runs, spec-change refusal, crash
// recovery, failures and retries, a reader beside an active writer, processes creating one
// database at once, migration from schema 1, from schema 7 (each run's epochs and seed) and from schema 8 (the epochs'
// validation metrics), from schema 9 (their focus figures), and refusal of foreign, newer and corrupt files without
// changing a byte of them. The stored spec's reader: its tables and references.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"
#include "orchestrator/sweep/sweep_records.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "support/temp_dir.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

SweepInfo sweep_named(const std::string& name, int height = 64) {
  const nlohmann::json spec = {{"sweep", name}, {"data", {{"height", height}, {"width", 64}}}};
  return SweepInfo{name, "sweep: " + name + "\n", "hash-" + std::to_string(height), spec.dump(), "[]", 0, "", ""};
}

std::vector<NewRun> three_runs() {
  return {NewRun{"k-small", "small", R"({"w":8})", 10.0, 100}, NewRun{"k-large", "large", R"({"w":32})", 300.0, 1600},
          NewRun{"k-medium", "medium", R"({"w":16})", 40.0, 400}};
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

EpochRecord epoch(int64_t n, double train, double seconds) {
  return EpochRecord{n, train, train - 0.1, 0.1, 2e-4, seconds, 12.5};
}

// Error text of opening `path`, "" if it opened.
// Takes a schema-10 database's epochs table back to schema 9 (SQLite drops the columns in place).
constexpr const char* kDropSchema10Columns =
    "ALTER TABLE epochs DROP COLUMN val_fg_psnr; ALTER TABLE epochs DROP COLUMN val_fg_ssim; "
    "ALTER TABLE epochs DROP COLUMN val_bg_psnr; ALTER TABLE epochs DROP COLUMN val_bg_ssim; "
    "ALTER TABLE epochs DROP COLUMN val_bg_blur";
// Takes a schema-9 database's epochs table back to schema 8 (SQLite drops the columns in place).
constexpr const char* kDropSchema9Columns =
    "ALTER TABLE epochs DROP COLUMN val_l1; ALTER TABLE epochs DROP COLUMN val_psnr; "
    "ALTER TABLE epochs DROP COLUMN val_ssim; ALTER TABLE epochs DROP COLUMN val_lpips";

// A database at `path` holding sweep `sweep` with one run and its `epochs`, then taken back to schema
// `version` by `drops`; returns the run's id.
int64_t older_database(const std::string& path, const std::string& sweep, const std::vector<EpochRecord>& epochs,
                       const std::vector<const char*>& drops, int version) {
  int64_t run_id = 0;
  {
    Store store(path);
    store.register_sweep(sweep_named(sweep));
    store.add_runs(sweep, {NewRun{"k1", "first", "{}", 1.0, 1}});
    run_id = store.runs(sweep).at(0).id;
    for (const EpochRecord& e : epochs) store.record_epoch(run_id, e);
  }
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  for (const char* drop : drops) db.exec(drop);
  db.exec("PRAGMA user_version = " + std::to_string(version));
  return run_id;
}

std::string open_error(const std::string& path, bool read_only) {
  try {
    Store store(path, read_only);
  } catch (const StoreError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("runs and epochs and results round-trip and the costliest pending run is claimed first", "[store]") {
  TempDir dir;
  const std::string path = dir.file("results/sweeps.db");  // the folder is created
  Store store(path);
  CHECK(store.register_sweep(sweep_named("s")) == Registration::Created);
  CHECK(store.add_runs("s", three_runs()) == 3);
  CHECK(store.add_runs("s", three_runs()) == 0);  // idempotent by key
  const std::vector<RunRecord> listed = store.runs("s");
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].name == "small");
  CHECK(listed[0].state == RunState::Pending);
  CHECK(listed[0].config_json == R"({"w":8})");
  CHECK(listed[0].params == 100);
  CHECK(listed[0].cost == 10.0);

  const auto first = store.claim_next_pending("s");
  REQUIRE(first);
  CHECK(first->name == "large");
  CHECK(first->state == RunState::Running);
  CHECK(first->attempts == 1);
  CHECK(first->started.has_value());
  const RunRecord stored = store.run(first->id);  // the claim answers with the row as written
  CHECK(stored.state == first->state);
  CHECK(stored.attempts == first->attempts);
  CHECK(stored.started == first->started);
  CHECK(!stored.finished);
  CHECK(stored.config_json == first->config_json);
  CHECK(store.claim_next_pending("s")->name == "medium");

  store.record_epoch(first->id, epoch(1, 0.9, 10));
  store.record_epoch(first->id, epoch(2, 0.8, 11));
  store.record_epoch(first->id, epoch(3, 0.7, 12));
  store.record_epoch(first->id, epoch(2, 0.75, 20));  // replaces epoch 2
  store.discard_epochs_after(first->id, 2);           // a resume from epoch 2's checkpoint
  std::vector<EpochRecord> epochs = store.epochs(first->id);
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[1].epoch == 2);
  CHECK(epochs[1].train_loss == 0.75);
  CHECK(epochs[1].val_loss == 0.65);
  CHECK(epochs[1].gap == 0.1);
  CHECK(epochs[1].lr == 2e-4);
  CHECK(epochs[1].seconds == 20);
  CHECK(epochs[1].images_per_second == 12.5);

  store.finish_run(first->id, R"({"psnr":23.1})");
  const RunRecord done = store.run(first->id);
  CHECK(done.state == RunState::Done);
  CHECK(done.results_json == R"({"psnr":23.1})");
  CHECK(done.runtime_s == 30);  // the epochs' seconds
  CHECK(done.finished.has_value());
  CHECK(*done.finished >= *done.started);

  const auto sweeps = store.sweeps();
  REQUIRE(sweeps.size() == 1);
  CHECK(sweeps[0].spec_text == "sweep: s\n");
  CHECK(sweeps[0].spec_hash == "hash-64");
  CHECK(sweeps[0].created > 0);
  CHECK(store.sweep("s")->spec_json == sweep_named("s").spec_json);
  CHECK_FALSE(store.sweep("nope").has_value());
  CHECK_THROWS_AS(store.add_runs("nope", three_runs()), StoreError);
  CHECK_THROWS_AS(store.run(9999), StoreError);

  std::vector<std::string> kinds;
  for (const EventRecord& e : store.events("s")) kinds.push_back(e.kind);
  CHECK((kinds == std::vector<std::string>{"registered", "start", "start", "done"}));

  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(raw.execAndGet("PRAGMA application_id").getInt() == kStoreApplicationId);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == kStoreSchemaVersion);
}

TEST_CASE("a run stopped at a rung keeps its results, a promoted one is pending at the next rung and claimed first",
          "[store][asha]") {
  TempDir dir;
  Store store(dir.file("sweeps.db"));
  store.register_sweep(sweep_named("s"));
  store.add_runs("s", three_runs());
  const RunRecord large = *store.claim_next_pending("s");
  store.record_epoch(large.id, epoch(1, 0.9, 10));
  store.pause_run(large.id, R"({"epochs":1})", "rung 0 (epoch 1): 3rd of 3");
  RunRecord stopped = store.run(large.id);
  CHECK(stopped.state == RunState::Stopped);
  CHECK(std::string(to_string(stopped.state)) == "stopped");
  CHECK(stopped.rung == 0);
  CHECK(stopped.results_json == R"({"epochs":1})");
  CHECK(stopped.runtime_s == 10);
  CHECK(store.claim_next_pending("s")->name == "medium");  // a stopped run is not pending

  store.promote_run(large.id, 1, "promoted: rung 0 (epoch 1): 1st of 3");
  const RunRecord promoted = store.run(large.id);
  CHECK(promoted.state == RunState::Pending);
  CHECK(promoted.rung == 1);
  CHECK(promoted.attempts == 0);                          // a new segment: its attempts count afresh
  CHECK(store.claim_next_pending("s")->name == "large");  // a higher rung before the cheaper "small"
  const std::vector<EventRecord> events = store.events("s");
  CHECK(events[events.size() - 2].kind == "promote");
  CHECK(events[events.size() - 2].message == "promoted: rung 0 (epoch 1): 1st of 3");
  CHECK(events[2].kind == "stop");
  CHECK(events[2].message == "rung 0 (epoch 1): 3rd of 3");
}

TEST_CASE("a changed spec under an existing name is refused with the difference unless fresh", "[store]") {
  TempDir dir;
  Store store(dir.file("s.db"));
  store.register_sweep(sweep_named("s", 64));
  store.add_runs("s", three_runs());
  const auto claimed = store.claim_next_pending("s");
  store.record_epoch(claimed->id, epoch(1, 0.9, 10));

  SweepInfo same = sweep_named("s", 64);
  same.spec_text = "# a comment\nsweep: s\n";  // layout only: the canonical spec is unchanged
  CHECK(store.register_sweep(same) == Registration::Unchanged);
  CHECK(store.sweep("s")->spec_text == same.spec_text);
  CHECK(store.runs("s").size() == 3);

  try {
    store.register_sweep(sweep_named("s", 128));
    FAIL("a changed spec was accepted");
  } catch (const SpecChangedError& e) {
    const std::string message = e.what();
    CHECK(message.find("data.height: 64 -> 128") != std::string::npos);
    CHECK(message.find("--fresh") != std::string::npos);
    CHECK(message.find(dir.file("s.db")) != std::string::npos);
  }
  CHECK(store.runs("s").size() == 3);  // nothing changed
  CHECK(store.sweep("s")->spec_hash == "hash-64");

  CHECK(store.register_sweep(sweep_named("s", 128), true) == Registration::Replaced);
  CHECK(store.runs("s").empty());
  CHECK(store.epochs(claimed->id).empty());
  CHECK(store.sweep("s")->spec_hash == "hash-128");
  CHECK(store.events("s").size() == 1);  // the old sweep's events went with it
}

TEST_CASE("runs left running by a crash go back to pending and keep their epochs", "[store]") {
  TempDir dir;
  const std::string path = dir.file("s.db");
  int64_t id = 0;
  {
    Store store(path);
    store.register_sweep(sweep_named("s"));
    store.add_runs("s", three_runs());
    id = store.claim_next_pending("s")->id;
    store.claim_next_pending("s");
    store.record_epoch(id, epoch(1, 0.9, 10));
  }  // the coordinator dies here
  Store store(path);
  CHECK(store.reset_running("s") == 2);
  CHECK(store.reset_running("s") == 0);
  for (const RunRecord& r : store.runs("s")) {
    CHECK(r.state == RunState::Pending);
    CHECK(r.attempts == 0);  // an interrupted start is not a failed attempt
  }
  CHECK(store.epochs(id).size() == 1);
  CHECK(store.events("s").back().kind == "recovered");
  CHECK(store.claim_next_pending("s")->id == id);
}

TEST_CASE("runs of a live sweep process are left alone - a dead, silent or ended one's are reclaimed", "[store]") {
  TempDir dir;
  Store store(dir.file("s.db"));
  store.register_sweep(sweep_named("s"));
  store.add_runs("s", three_runs());
  const int64_t me = store.join_sweep("s", this_host(), ::getpid());
  const int64_t mine = store.claim_next_pending("s", me)->id;
  CHECK(store.reset_running("s") == 0);  // this process is alive and beats
  CHECK(store.run(mine).state == RunState::Running);

  // A process on this host that no longer exists: pid 0x7ffffff0 is above Linux's pid_max.
  const int64_t dead = store.join_sweep("s", this_host(), 0x7ffffff0);
  const int64_t orphan = store.claim_next_pending("s", dead)->id;
  // A process on another host, alive by its beats: only the heartbeat speaks for it.
  const int64_t remote = store.join_sweep("s", "some-other-host", 1);
  const int64_t remote_run = store.claim_next_pending("s", remote)->id;
  CHECK(store.reset_running("s") == 1);
  CHECK(store.run(orphan).state == RunState::Pending);
  CHECK(store.run(orphan).attempts == 0);
  CHECK(store.run(remote_run).state == RunState::Running);

  CHECK(store.reset_running("s", remote) == 0);  // a process never takes its own runs back
  store.leave_sweep(remote);                     // ended: its runs are no one's
  CHECK(store.reset_running("s", remote) == 0);
  CHECK(store.reset_running("s") == 1);
  CHECK(store.run(remote_run).state == RunState::Pending);
  CHECK(store.run(mine).state == RunState::Running);
  CHECK(store.release_runs(me) == 1);
  CHECK(store.run(mine).state == RunState::Pending);
}

TEST_CASE("coordinator rows: heartbeats, endings, and when a process counts as alive", "[store]") {
  TempDir dir;
  Store store(dir.file("s.db"));
  store.register_sweep(sweep_named("s"));
  const int64_t id = store.join_sweep("s", "elsewhere", 42);
  std::vector<CoordinatorRecord> rows = store.coordinators("s");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].id == id);
  CHECK(rows[0].host == "elsewhere");
  CHECK(rows[0].pid == 42);
  CHECK(rows[0].heartbeat == rows[0].started);
  CHECK_FALSE(rows[0].ended.has_value());
  const double t = rows[0].heartbeat;
  CHECK(coordinator_alive(rows[0], t + kCoordinatorStaleSeconds - 1));
  CHECK_FALSE(coordinator_alive(rows[0], t + kCoordinatorStaleSeconds + 1));
  store.heartbeat(id);
  CHECK(store.coordinators("s")[0].heartbeat >= t);
  store.leave_sweep(id);
  rows = store.coordinators("s");
  REQUIRE(rows[0].ended.has_value());
  CHECK_FALSE(coordinator_alive(rows[0], *rows[0].ended));
}

TEST_CASE("a changed spec is refused by check_registration without writing anything", "[store]") {
  TempDir dir;
  Store store(dir.file("s.db"));
  store.check_registration(sweep_named("s", 64), false);  // unknown sweep: fine
  CHECK(store.sweeps().empty());
  store.register_sweep(sweep_named("s", 64));
  store.check_registration(sweep_named("s", 64), false);
  CHECK_THROWS_AS(store.check_registration(sweep_named("s", 128), false), SpecChangedError);
  store.check_registration(sweep_named("s", 128), true);  // --fresh
  CHECK(store.sweep("s")->spec_hash == "hash-64");
}

TEST_CASE("a failing run is retried up to max_attempts and then failed until retry-failed", "[store]") {
  TempDir dir;
  Store store(dir.file("s.db"));
  store.register_sweep(sweep_named("s"));
  store.add_runs("s", {NewRun{"k", "only", "{}", 1.0, 1}});
  auto r = store.claim_next_pending("s");
  CHECK(store.fail_run(r->id, "NaN loss at epoch 3", 2) == RunState::Pending);
  r = store.claim_next_pending("s");
  CHECK(r->attempts == 2);
  CHECK(r->error == "NaN loss at epoch 3");
  CHECK(store.fail_run(r->id, "out of memory", 2) == RunState::Failed);
  CHECK_FALSE(store.claim_next_pending("s").has_value());
  CHECK(store.run(r->id).error == "out of memory");
  CHECK(store.reset_failed("s") == 1);
  const RunRecord again = store.run(r->id);
  CHECK(again.state == RunState::Pending);
  CHECK(again.attempts == 0);
  std::vector<std::string> kinds;
  for (const EventRecord& e : store.events("s")) kinds.push_back(e.kind);
  CHECK((kinds == std::vector<std::string>{"registered", "start", "retry", "start", "failed", "retry-failed"}));
}

TEST_CASE("a read-only store reads while a writer is active and never creates or writes", "[store]") {
  TempDir dir;
  const std::string path = dir.file("s.db");
  Store writer(path);
  writer.register_sweep(sweep_named("s"));
  writer.add_runs("s", three_runs());
  const int64_t id = writer.claim_next_pending("s")->id;

  const Store reader(path, true);
  CHECK(reader.runs("s").size() == 3);
  writer.record_epoch(id, epoch(1, 0.9, 10));
  CHECK(reader.epochs(id).size() == 1);  // sees each committed change

  // A second writer connection holds an open write transaction: the reader is not blocked and sees
  // the last committed state, then the new one once it commits.
  SQLite::Database other(path, SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  other.exec("INSERT INTO epochs (run_id, epoch, train_loss, val_loss, gap, lr, seconds) VALUES (" +
             std::to_string(id) + ", 2, 0.8, 0.7, 0.1, 0.0002, 10)");
  CHECK(reader.epochs(id).size() == 1);
  CHECK(reader.run(id).state == RunState::Running);
  other.exec("COMMIT");
  CHECK(reader.epochs(id).size() == 2);
  CHECK(StoreReader(path).epochs(id).size() == 2);  // the read API alone opens the same way

  Store mutable_reader(path, true);
  CHECK_THROWS_AS(mutable_reader.record_epoch(id, epoch(3, 0.7, 10)), StoreError);
  CHECK(reader.epochs(id).size() == 2);

  // With every writer gone (SQLite removes the -wal and -shm files), a reader still opens it.
  {
    Store last(dir.file("closed.db"));
    last.register_sweep(sweep_named("s"));
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("closed.db-wal")));
  CHECK(Store(dir.file("closed.db"), true).sweeps().size() == 1);

  const std::string missing = dir.file("missing.db");
  CHECK(open_error(missing, true).find("no results database") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(missing));
}

TEST_CASE("a migration another process has done since the version was read is not done again", "[store]") {
  TempDir dir;
  const std::string path = dir.file("sweeps.db");
  Store first(path);  // creates the database at the current version
  first.register_sweep(SweepInfo{"s", "text", "hash", "{}", "[]", 0, "", ""});
  // A second process that read version 0 before the first committed migrates from 0 under the lock.
  SQLite::Database raw(path, SQLite::OPEN_READWRITE);
  CHECK_NOTHROW(migrate_store(raw, path, 0));
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == kStoreSchemaVersion);
  CHECK(first.sweeps().size() == 1);
}

TEST_CASE("processes creating one new database at the same moment all open it", "[store]") {
  // Two sweeps started together on a fresh results folder: each must open (and at most one
  // create) the database, however their opening steps interleave. Repeated to meet the races.
  constexpr int kRounds = 40, kProcesses = 4;
  TempDir dir;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = dir.file("race" + std::to_string(round) + ".db");
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        try {
          const std::string error = open_error(path, false);
          if (!error.empty()) std::fprintf(stderr, "%s\n", error.c_str());
          _exit(error.empty() ? 0 : 1);
        } catch (...) {
          _exit(2);  // never back into the test runner from a child
        }
      }
      children.push_back(pid);
    }
    int opened = 0;
    for (const pid_t pid : children) {
      int status = 0;
      waitpid(pid, &status, 0);
      opened += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    INFO("round " << round << " (the failing process's error is on stderr)");
    REQUIRE(opened == kProcesses);
  }
}

TEST_CASE("a schema-1 database is migrated forward keeping its rows", "[store]") {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    // Schema version 1 as an earlier build wrote it (no events, no images_per_second).
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(R"sql(
      CREATE TABLE sweeps (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, spec_text TEXT NOT NULL,
        spec_hash TEXT NOT NULL, spec_json TEXT NOT NULL, overrides TEXT NOT NULL DEFAULT '[]', created REAL NOT NULL);
      CREATE TABLE runs (id INTEGER PRIMARY KEY, sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
        key TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0, params INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '', results TEXT NOT NULL DEFAULT '', started REAL, finished REAL,
        runtime REAL NOT NULL DEFAULT 0, UNIQUE (sweep_id, key));
      CREATE TABLE epochs (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER NOT NULL,
        train_loss REAL NOT NULL, val_loss REAL NOT NULL, gap REAL NOT NULL, lr REAL NOT NULL, seconds REAL NOT NULL,
        PRIMARY KEY (run_id, epoch));
      INSERT INTO sweeps (name, spec_text, spec_hash, spec_json, created) VALUES ('old', 'sweep: old', 'h', '{}', 1);
      INSERT INTO runs (sweep_id, key, name, config, state, attempts) VALUES (1, 'k1', 'first', '{}', 'running', 1);
      INSERT INTO epochs VALUES (1, 1, 0.9, 0.8, 0.1, 0.0002, 30);
      PRAGMA application_id = 1112232791;
      PRAGMA user_version = 1;
    )sql");
  }
  CHECK(open_error(path, true).find("older") != std::string::npos);  // readers never migrate
  Store store(path);
  {
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == kStoreSchemaVersion);
    CHECK(raw.tableExists("events"));
    CHECK(raw.tableExists("coordinators"));
  }
  const std::vector<RunRecord> runs = store.runs("old");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].name == "first");
  CHECK(runs[0].state == RunState::Running);
  const std::vector<EpochRecord> epochs = store.epochs(runs[0].id);
  REQUIRE(epochs.size() == 1);
  CHECK(epochs[0].seconds == 30);
  CHECK(epochs[0].images_per_second == 0);
  CHECK(store.reset_running("old") == 1);
  CHECK(store.events("old").size() == 1);
  CHECK(1112232791 == kStoreApplicationId);
}

TEST_CASE("a schema-7 database gets each run's epochs and seed from its config and its sweep's seed", "[store]") {
  TempDir dir;
  const std::string path = dir.file("seven.db");
  const Spec spec = parse_spec(
      "sweep: seven\nseed: 11\n"
      "data: {height: 32, width: 32, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {count: 10, size: 32}}\n"
      "base: {loss: {lpips: 0}, model: {width: 4, depth: 2}}\n"
      "runs:\n  - {name: short, repeats: 2, train: {epochs: 2}}\n  - {name: long, train: {epochs: 5}}\n",
      "seven.yaml");
  const RunPlan plan = plan_runs(spec);
  REQUIRE(plan.runs.size() == 3);
  {
    Store store(path);
    store.register_sweep(sweep_info(spec));
    store.add_runs("seven", new_runs(plan));
    store.add_runs("seven", {NewRun{"k-bare", "bare", "{}", 1.0, 1}});  // a config without train.epochs
    for (size_t i = 0; i < plan.runs.size(); ++i) {                     // as added
      CHECK(store.runs("seven")[i].epochs == plan.runs[i].epochs);
      CHECK(store.runs("seven")[i].seed == plan.runs[i].seed);
    }
  }
  {
    // Schema version 7 is version 8 without the two columns, and version 8 is 9 without the epochs'
    // validation metrics, 9 is 10 without their focus figures (SQLite drops them in place).
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(kDropSchema10Columns);
    db.exec(kDropSchema9Columns);
    db.exec("ALTER TABLE runs DROP COLUMN epochs; ALTER TABLE runs DROP COLUMN seed; PRAGMA user_version = 7");
  }
  CHECK(open_error(path, true).find("older") != std::string::npos);  // readers never migrate
  {
    Store store(path);
    const std::vector<RunRecord> runs = store.runs("seven");
    REQUIRE(runs.size() == 4);
    for (size_t i = 0; i < plan.runs.size(); ++i) {
      INFO(runs[i].name);
      const nlohmann::json config = nlohmann::json::parse(runs[i].config_json);
      CHECK(runs[i].epochs == train_config_from_json(config).epochs);
      CHECK(runs[i].seed == config_seed(spec.seed, config));  // as the coordinator computed it at assignment
      CHECK(runs[i].seed == plan.runs[i].seed);
    }
    CHECK(runs[0].epochs == 2);
    CHECK(runs[1].seed == runs[0].seed + 1);  // the second repeat
    CHECK(runs[2].epochs == 5);
    CHECK(runs[3].epochs == 0);
    CHECK(runs[3].seed == config_seed(spec.seed, nlohmann::json::object()));
  }
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == kStoreSchemaVersion);
    raw.exec("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion + 1));
  }
  for (bool read_only : {false, true}) CHECK(open_error(path, read_only).find("newer") != std::string::npos);
}

TEST_CASE("a schema-8 database gets empty validation metrics for its epochs and stores them from then on", "[store]") {
  TempDir dir;
  const std::string path = dir.file("eight.db");
  const int64_t run_id = older_database(
      path, "eight", {EpochRecord{1, 0.9, 0.8, 0.1, 2e-4, 30, 4}, EpochRecord{2, 0.7, 0.6, 0.1, 2e-4, 31, 4}},
      {kDropSchema10Columns, kDropSchema9Columns}, 8);
  CHECK(open_error(path, true).find("older") != std::string::npos);  // readers never migrate
  Store store(path);
  {
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == kStoreSchemaVersion);
    CHECK(raw.execAndGet("SELECT count(*) FROM epochs WHERE val_l1 IS NULL AND val_psnr IS NULL AND val_ssim IS NULL "
                         "AND val_lpips IS NULL")
              .getInt() == 2);
  }
  std::vector<EpochRecord> epochs = store.epochs(run_id);
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[1].val_loss == 0.6);  // the rows kept their figures
  CHECK(epochs[1].seconds == 31);
  for (const EpochRecord& e : epochs) {
    CHECK_FALSE(e.val_l1);
    CHECK_FALSE(e.val_psnr);
    CHECK_FALSE(e.val_ssim);
    CHECK_FALSE(e.val_lpips);
  }
  // A new epoch (and a rewritten one) keeps what it has; LPIPS stays NULL without weights.
  EpochRecord third{3, 0.5, 0.4, 0.1, 2e-4, 29, 4};
  third.val_l1 = 0.0625;
  third.val_psnr = 25.5;
  third.val_ssim = 0.8125;
  store.record_epoch(run_id, third);
  EpochRecord second = epochs[1];
  second.val_psnr = 24.25;
  store.record_epoch(run_id, second);
  epochs = store.epochs(run_id);
  REQUIRE(epochs.size() == 3);
  CHECK(epochs[2].val_l1 == 0.0625);
  CHECK(epochs[2].val_psnr == 25.5);
  CHECK(epochs[2].val_ssim == 0.8125);
  CHECK_FALSE(epochs[2].val_lpips);
  CHECK(epochs[1].val_psnr == 24.25);
  CHECK_FALSE(epochs[1].val_l1);
  CHECK_FALSE(epochs[0].val_psnr);
}

TEST_CASE(
    "a schema-9 database keeps its epochs' validation metrics, gets empty focus figures and stores them from then on",
    "[store]") {
  TempDir dir;
  const std::string path = dir.file("nine.db");
  EpochRecord first{1, 0.9, 0.8, 0.1, 2e-4, 30, 4};
  first.val_psnr = 23.5;
  const int64_t run_id = older_database(path, "nine", {first}, {kDropSchema10Columns}, 9);
  CHECK(open_error(path, true).find("older") != std::string::npos);  // readers never migrate
  Store store(path);
  {
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == 10);
    CHECK(raw.execAndGet("SELECT count(*) FROM epochs WHERE val_fg_psnr IS NULL AND val_fg_ssim IS NULL AND "
                         "val_bg_psnr IS NULL AND val_bg_ssim IS NULL AND val_bg_blur IS NULL")
              .getInt() == 1);
  }
  std::vector<EpochRecord> epochs = store.epochs(run_id);
  REQUIRE(epochs.size() == 1);
  CHECK(epochs[0].val_psnr == 23.5);  // the row kept its figures
  CHECK_FALSE(epochs[0].val_fg_psnr);
  CHECK_FALSE(epochs[0].val_bg_blur);
  // A new epoch keeps its focus figures; one a region lacks (no background SSIM) stays NULL.
  EpochRecord second{2, 0.7, 0.6, 0.1, 2e-4, 31, 4};
  second.val_fg_psnr = 30.25;
  second.val_fg_ssim = 0.9375;
  second.val_bg_psnr = 22.75;
  second.val_bg_blur = 1.5;
  store.record_epoch(run_id, second);
  epochs = store.epochs(run_id);
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[1].val_fg_psnr == 30.25);
  CHECK(epochs[1].val_fg_ssim == 0.9375);
  CHECK(epochs[1].val_bg_psnr == 22.75);
  CHECK_FALSE(epochs[1].val_bg_ssim);
  CHECK(epochs[1].val_bg_blur == 1.5);
  CHECK_FALSE(epochs[1].val_psnr);
}

TEST_CASE("foreign or newer or corrupt databases are refused and left byte-identical", "[store]") {
  TempDir dir;
  const std::string foreign = dir.file("foreign.db");
  {
    SQLite::Database db(foreign, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann')");
  }
  const std::string newer = dir.file("newer.db");
  {
    Store store(newer);
    store.register_sweep(sweep_named("s"));
  }
  {
    SQLite::Database db(newer, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 99");
    db.exec("PRAGMA journal_mode = DELETE");  // a single file, so its bytes are the whole database
  }
  const std::string garbage = dir.file("garbage.db");
  {
    std::ofstream out(garbage, std::ios::binary);
    std::mt19937 rng(5);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(rng()));
  }
  const std::string damaged = dir.file("damaged.db");
  {
    Store store(damaged);
    store.register_sweep(sweep_named("s"));
    std::vector<NewRun> many;
    for (int i = 0; i < 400; ++i)
      many.push_back(NewRun{"k" + std::to_string(i), "r", std::string(200, 'x'), 1.0 * i, 1});
    store.add_runs("s", many);
  }
  {
    SQLite::Database db(damaged, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA journal_mode = DELETE");
  }
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);  // the header of a b-tree page in the runs table
    for (int i = 0; i < 64; ++i) f.put(static_cast<char>(0xA5));
  }
  struct Case {
    std::string path, fragment;
  };
  for (const Case& c : {Case{foreign, "not a bokeh-sweep results database"}, Case{newer, "newer"},
                        Case{garbage, "not a readable SQLite database"}, Case{damaged, "refusing"}}) {
    INFO(c.path);
    const std::string before = bytes_of(c.path);
    for (bool read_only : {false, true}) {
      const std::string error = open_error(c.path, read_only);
      INFO(error);
      CHECK(error.find(c.path) == 0);
      CHECK(error.find(c.fragment) != std::string::npos);
      CHECK(bytes_of(c.path) == before);
    }
  }
}

TEST_CASE("a stored spec's tables and references read back as the spec wrote them", "[store][stored_spec]") {
  const Spec spec = parse_spec(
      "sweep: refs\n"
      "tables: [2, 4]\n"
      "data: {height: 32, width: 32, train_pairs: 4, val_pairs: 2, test_pairs: 2,\n"
      "       synthetic: {count: 10, size: 32}}\n"
      "base:\n"
      "  loss: {lpips: 0}\n"
      "runs:\n"
      "  - name: a\n"
      "references:\n"
      "  - {name: PyNET, source: Ignatov et al. 2020, epochs: 100, params_m: 47.5,\n"
      "     runtime_min: 600, psnr: 23.28, ssim: 0.878, lpips: 0.2438}\n"
      "  - {name: DMSHN, source: Dutta 2021, psnr: 24.65}\n",
      "refs.yaml");
  const StoredSpec stored = read_stored_spec(canonical_spec(spec).dump());
  CHECK(stored.tables == std::vector<int64_t>{2, 4});
  CHECK(stored.tables == spec.tables);
  // Every cell of every row as the spec read it: unknown ones stay empty.
  const auto cells = [](const auto& r) {
    const std::optional<double> epochs = r.epochs ? std::optional<double>(*r.epochs) : std::nullopt;
    return std::vector<std::optional<double>>{epochs, r.params_m, r.runtime_min, r.psnr, r.ssim, r.lpips};
  };
  REQUIRE(stored.references.size() == 2);
  REQUIRE(spec.references.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(stored.references[i].name == spec.references[i].name);
    CHECK(stored.references[i].source == spec.references[i].source);
    CHECK(cells(stored.references[i]) == cells(spec.references[i]));
  }
  CHECK(stored.references[0].lpips == 0.2438);
  CHECK(stored.references[1].name == "DMSHN");
  CHECK_FALSE(stored.references[1].epochs);
  CHECK_FALSE(stored.references[1].ssim);
}

TEST_CASE("a stored spec without tables or references, or not JSON, reads as empty lists", "[store][stored_spec]") {
  for (const std::string text : {"", "not json", "[1, 2]", "{}", R"({"tables": 4, "references": {"name": "x"}})"}) {
    INFO(text);
    const StoredSpec stored = read_stored_spec(text);
    CHECK(stored.tables.empty());
    CHECK(stored.references.empty());
  }
  const StoredSpec odd =
      read_stored_spec(R"({"tables": [1, "two", 3], "references": [7, {"psnr": "high", "ssim": 0.9, "name": 5}]})");
  CHECK(odd.tables == std::vector<int64_t>{1, 3});
  REQUIRE(odd.references.size() == 1);
  CHECK(odd.references[0].name == "?");
  CHECK(odd.references[0].source == "?");
  CHECK_FALSE(odd.references[0].psnr);
  CHECK(odd.references[0].ssim == 0.9);
}

TEST_CASE("a directory or a read-only place as the database is named as such", "[store]") {
  TempDir dir;
  SECTION("a directory") {
    std::filesystem::create_directories(dir.path() / "results.db");
    CHECK_THROWS_WITH(
        Store(dir.file("results.db")),
        Catch::Contains("results.db: is a directory, not a database file") && Catch::Contains("results.db/sweeps.db"));
    CHECK_THROWS_WITH(Store(dir.file("results.db"), true), Catch::Contains("is a directory"));
  }
  SECTION("a read-only file system (root: a read-only tmpfs in a mount namespace; others: a folder without write)") {
    const std::string db = dir.file("ro/sweeps.db");
    { Store(db).register_sweep(sweep_named("s", 32)); }
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(pipe_fds[0]);
      std::string message = "skipped";
      if (::geteuid() == 0) {
        const std::string folder = dir.file("ro");
        if (::unshare(CLONE_NEWNS) == 0 && ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
            ::mount(folder.c_str(), folder.c_str(), nullptr, MS_BIND, nullptr) == 0 &&
            ::mount(nullptr, folder.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) == 0)
          message = "";
      } else if (::chmod(dir.file("ro").c_str(), 0555) == 0) {
        message = "";
      }
      if (message.empty()) {
        try {
          Store store(db);
          message = "opened";
        } catch (const std::exception& e) {
          message = e.what();
        }
      }
      (void)!::write(pipe_fds[1], message.data(), message.size());
      ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
      message.append(buffer, static_cast<size_t>(n));
    ::close(pipe_fds[0]);
    ::waitpid(child, nullptr, 0);
    ::chmod(dir.file("ro").c_str(), 0755);
    if (message == "skipped") {
      WARN("no mount namespace here: the read-only case is not run");
      return;
    }
    INFO(message);
    CHECK_THAT(message, Catch::Contains("cannot write") && Catch::Contains("writable place"));
    CHECK_THAT(message, !Catch::Contains("not a readable SQLite database"));
    if (::geteuid() == 0) CHECK_THAT(message, Catch::Contains("Read-only file system") && Catch::Contains("read-only"));
    CHECK(Store(db, true).sweep("s").has_value());  // report still reads it
  }
}
