// Store schema versions and their forward migrations, and the checks that keep us off foreign files.
//
// Version 1: sweeps, runs, epochs (train/val loss, gap, lr, seconds).
// Version 2: epochs.images_per_second; the events table; an index for claiming runs by cost.
// Version 3: the coordinators table (host, pid, heartbeat of each sweep process) and runs.coordinator_id,
//            the process a running run belongs to (a stale or dead one's runs are reclaimed).
// Version 4: runs.state 'stopped' (paused at an ASHA rung) and runs.rung (the table is rebuilt, as
//            SQLite cannot change a CHECK; migrate_store runs with foreign keys off).
// Version 5: the trials table (one row per sampled draw, with the sampler state at the draw).
// Version 6: sweeps.instance, a random id drawn when the sweep is registered (again after --fresh):
//            the owner of the sweep's checkpoints and prepared data (store/folder_owner.h).
// Version 7: sweeps.data_file, the prepared-data file the sweep trains on (reports open it, never build it).
// Version 8: runs.epochs and runs.seed (its train.epochs and the seed it trains with), filled from each
//            run's config and its sweep's seed as the coordinator computed them before.
// Version 9: epochs.val_l1, val_psnr, val_ssim, val_lpips, the validation set's per-image metrics of
//            each epoch; NULL where not computed (the epochs stored before, LPIPS without weights).
// Version 10: epochs.val_fg_psnr, val_fg_ssim, val_bg_psnr, val_bg_ssim, val_bg_blur, the validation set's
//            focus figures of each epoch; NULL where not computed (the epochs stored before) or where no
//            validation pair has the region.
#include "store/store_schema.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <SQLiteCpp/VariadicBind.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

#include "common/run_identity.h"

namespace bokeh::orchestrator {
namespace {

const char* const kVersion1 = R"sql(
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec_text TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  overrides TEXT NOT NULL DEFAULT '[]',
  created REAL NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  params INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  results TEXT NOT NULL DEFAULT '',
  started REAL,
  finished REAL,
  runtime REAL NOT NULL DEFAULT 0,
  UNIQUE (sweep_id, key)
);
CREATE TABLE epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL NOT NULL,
  val_loss REAL NOT NULL,
  gap REAL NOT NULL,
  lr REAL NOT NULL,
  seconds REAL NOT NULL,
  PRIMARY KEY (run_id, epoch)
);
)sql";

const char* const kVersion2 = R"sql(
ALTER TABLE epochs ADD COLUMN images_per_second REAL NOT NULL DEFAULT 0;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  time REAL NOT NULL,
  sweep_id INTEGER REFERENCES sweeps(id) ON DELETE CASCADE,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_state ON runs (sweep_id, state, cost);
)sql";

const char* const kVersion3 = R"sql(
CREATE TABLE coordinators (
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started REAL NOT NULL,
  heartbeat REAL NOT NULL,
  ended REAL
);
ALTER TABLE runs ADD COLUMN coordinator_id INTEGER REFERENCES coordinators(id) ON DELETE SET NULL;
)sql";

const char* const kVersion4 = R"sql(
CREATE TABLE runs_v4 (
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed', 'stopped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  params INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  results TEXT NOT NULL DEFAULT '',
  started REAL,
  finished REAL,
  runtime REAL NOT NULL DEFAULT 0,
  rung INTEGER NOT NULL DEFAULT 0,
  coordinator_id INTEGER REFERENCES coordinators(id) ON DELETE SET NULL,
  UNIQUE (sweep_id, key)
);
INSERT INTO runs_v4 (id, sweep_id, key, name, config, state, attempts, cost, params, error, results, started,
                     finished, runtime, coordinator_id)
  SELECT id, sweep_id, key, name, config, state, attempts, cost, params, error, results, started, finished, runtime,
         coordinator_id
  FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;
CREATE INDEX runs_by_state ON runs (sweep_id, state, cost);
)sql";

// Sampled trials, one row per draw (a draw whose config the sweep already has keeps run_id NULL), with
// the sampler state at the draw (orchestrator/search/sampler.h), so that a resume continues the stream.
const char* const kVersion5 = R"sql(
CREATE TABLE trials (
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  proposal TEXT NOT NULL,
  state TEXT NOT NULL,
  drawn REAL NOT NULL,
  PRIMARY KEY (sweep_id, number)
);
CREATE INDEX trials_by_run ON trials (run_id);
)sql";

const char* const kVersion6 = R"sql(
ALTER TABLE sweeps ADD COLUMN instance TEXT NOT NULL DEFAULT '';
UPDATE sweeps SET instance = lower(hex(randomblob(16)));
)sql";

const char* const kVersion7 = R"sql(
ALTER TABLE sweeps ADD COLUMN data_file TEXT NOT NULL DEFAULT '';
)sql";

const char* const kVersion8 = R"sql(
ALTER TABLE runs ADD COLUMN epochs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN seed INTEGER NOT NULL DEFAULT 0;
)sql";

const char* const kVersion9 = R"sql(
ALTER TABLE epochs ADD COLUMN val_l1 REAL;
ALTER TABLE epochs ADD COLUMN val_psnr REAL;
ALTER TABLE epochs ADD COLUMN val_ssim REAL;
ALTER TABLE epochs ADD COLUMN val_lpips REAL;
)sql";

const char* const kVersion10 = R"sql(
ALTER TABLE epochs ADD COLUMN val_fg_psnr REAL;
ALTER TABLE epochs ADD COLUMN val_fg_ssim REAL;
ALTER TABLE epochs ADD COLUMN val_bg_psnr REAL;
ALTER TABLE epochs ADD COLUMN val_bg_ssim REAL;
ALTER TABLE epochs ADD COLUMN val_bg_blur REAL;
)sql";

// Version 8's columns of the runs stored before it: train.epochs from the config (0 where it has none),
// the seed as config_seed() of the sweep's seed (the canonical spec's "seed") and the config. A config
// or spec that is not JSON leaves 0.
void fill_run_epochs_and_seeds(SQLite::Database& db) {
  SQLite::Statement runs(db, "SELECT r.id, r.config, s.spec_json FROM runs r JOIN sweeps s ON s.id = r.sweep_id");
  SQLite::Statement update(db, "UPDATE runs SET epochs = ?, seed = ? WHERE id = ?");
  while (runs.executeStep()) {
    const nlohmann::json config = nlohmann::json::parse(runs.getColumn(1).getString(), nullptr, false);
    const nlohmann::json spec = nlohmann::json::parse(runs.getColumn(2).getString(), nullptr, false);
    if (config.is_discarded()) continue;
    const nlohmann::json::json_pointer at("/train/epochs");
    const int64_t epochs = config.contains(at) && config.at(at).is_number_integer() ? config.at(at).get<int64_t>() : 0;
    const uint64_t sweep_seed = spec.is_object() && spec.contains("seed") && spec["seed"].is_number_unsigned()
                                    ? spec["seed"].get<uint64_t>()
                                    : 0;
    SQLite::bind(update, epochs, static_cast<int64_t>(common::config_seed(sweep_seed, config)),
                 runs.getColumn(0).getInt64());
    update.exec();
    update.reset();
  }
}

// kMigrations[v] takes version v to v + 1: its SQL, then its fill of the rows (if any).
struct Migration {
  const char* sql;
  void (*fill_rows)(SQLite::Database&) = nullptr;
};
const std::vector<Migration> kMigrations = {
    {kVersion1}, {kVersion2}, {kVersion3}, {kVersion4},
    {kVersion5}, {kVersion6}, {kVersion7}, {kVersion8, fill_run_epochs_and_seeds},
    {kVersion9}, {kVersion10}};
static_assert(kStoreSchemaVersion == 10, "add the migration to kMigrations");

}  // namespace

int inspect_store(SQLite::Database& db, const std::string& path) {
  int32_t application_id = 0;
  int version = 0;
  int tables = 0;
  std::string check;
  try {
    // One read transaction: all four from the same snapshot, even while another process creates
    // the database (else an id read before its first migration and tables read after it disagree).
    SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);
    application_id = db.execAndGet("PRAGMA application_id").getInt();
    version = db.execAndGet("PRAGMA user_version").getInt();
    tables = db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").getInt();
    check = db.execAndGet("PRAGMA quick_check").getString();
  } catch (const SQLite::Exception& e) {
    throw StoreError(fmt::format("{}: not a readable SQLite database ({}); refusing to use it", path, e.what()));
  }
  if (check != "ok") {
    std::string first = check.substr(0, check.find('\n', check.find('\n') + 1));  // its first two lines
    std::replace(first.begin(), first.end(), '\n', ' ');
    throw StoreError(fmt::format("{}: the database is corrupt (quick_check: {} ...); refusing to use it", path, first));
  }
  if (application_id == 0 && version == 0 && tables == 0) return 0;
  if (application_id != kStoreApplicationId) {
    throw StoreError(
        fmt::format("{}: not a bokeh-sweep results database (application_id {:#x}, {} tables); refusing to touch it",
                    path, static_cast<uint32_t>(application_id), tables));
  }
  if (version > kStoreSchemaVersion) {
    throw StoreError(
        fmt::format("{}: written by a newer bokeh-sweep (schema version {}, this build knows up "
                    "to {}); refusing to touch it",
                    path, version, kStoreSchemaVersion));
  }
  if (version < 1) {
    throw StoreError(fmt::format("{}: a bokeh-sweep database without a schema version; refusing to touch it", path));
  }
  return version;
}

void migrate_store(SQLite::Database& db, const std::string& path, int from) {
  db.exec("PRAGMA foreign_keys = OFF");  // a rebuilt table must not cascade deletes; the caller turns them on
  for (int version = from; version < kStoreSchemaVersion; ++version) {
    try {
      SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
      // Another process opening the same database may have migrated it since `from` was read: the
      // version read under the write lock decides.
      if (db.execAndGet("PRAGMA user_version").getInt() > version) continue;
      const Migration& migration = kMigrations[static_cast<size_t>(version)];
      db.exec(migration.sql);
      if (migration.fill_rows) migration.fill_rows(db);
      if (version == 0) db.exec(fmt::format("PRAGMA application_id = {}", kStoreApplicationId));
      db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
      transaction.commit();
    } catch (const SQLite::Exception& e) {
      throw StoreError(fmt::format("{}: migrating the schema from version {} to {} failed: {}", path, version,
                                   version + 1, e.what()));
    }
  }
}

}  // namespace bokeh::orchestrator
