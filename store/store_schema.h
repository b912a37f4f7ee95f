// The results store's schema: recognising our database (application_id, user_version), refusing
// foreign, newer or corrupt files without writing to them, and migrating older schemas forward.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace bokeh::orchestrator {

// A database the store cannot use, or a failed store operation; the message names the file.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int32_t kStoreApplicationId = 0x424B5357;  // "BKSW" in PRAGMA application_id
constexpr int kStoreSchemaVersion = 10;              // PRAGMA user_version of the current schema

// Reads the header of an opened database and returns its schema version (0: an empty database, which
// becomes ours). Throws StoreError, having written nothing, when the file is not an SQLite database,
// fails SQLite's quick check, belongs to another application, or is newer than kStoreSchemaVersion.
int inspect_store(SQLite::Database& db, const std::string& path);

// Brings a database of schema version `from` (0 = empty) to kStoreSchemaVersion, one migration per
// transaction, each setting user_version. Foreign keys are off afterwards: the caller turns them on.
void migrate_store(SQLite::Database& db, const std::string& path, int from);

}  // namespace bokeh::orchestrator
