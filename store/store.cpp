// The results store's opening (a writer creates and migrates, a reader never writes), and its write
// lock. The operations are spread by concern: sweep_registry.cpp, run_queue.cpp, coordinator_rows.cpp,
// trial_rows.cpp, epoch_rows.cpp, event_rows.cpp (SQLiteCpp, bound parameters only, a transaction
// around every multi-statement change). Schema and migrations: store_schema.cpp.
#include "store/store.h"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>
#include <fmt/format.h>

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/store_rows.h"
#include "store/write_transaction.h"

namespace bokeh::orchestrator {
namespace {

using store_rows::guarded;
using store_rows::kBusyTimeoutMs;

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

StoreReader::StoreReader(const std::string& path) : StoreReader(path, /*read_only=*/true) {}

StoreReader::StoreReader(const std::string& path, bool read_only) : path_(path) {
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

StoreReader::~StoreReader() = default;
StoreReader::StoreReader(StoreReader&&) noexcept = default;
StoreReader& StoreReader::operator=(StoreReader&&) noexcept = default;

Store::Store(const std::string& path, bool read_only) : StoreReader(path, read_only) {}

void Store::exclusively(const std::function<void()>& body) {
  WriteTransaction transaction(*db_);
  body();
  guarded(path_, "committing", [&] { transaction.commit(); });
}

}  // namespace bokeh::orchestrator
