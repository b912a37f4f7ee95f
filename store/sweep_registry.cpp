// Sweep registration: a sweep's row, its spec compared on every start (a changed one refused with the
// difference unless --fresh), and reading sweeps back.
#include <SQLiteCpp/VariadicBind.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/unix_time.h"
#include "store/json_diff.h"
#include "store/store.h"
#include "store/store_rows.h"
#include "store/write_transaction.h"

namespace bokeh::orchestrator {
namespace {

using store_rows::guarded;
using store_rows::insert_event;

// A sweep's columns as read_sweep() reads them; followed by a WHERE or ORDER BY clause.
const char* const kSelectSweeps =
    "SELECT name, spec_text, spec_hash, spec_json, overrides, created, instance, data_file FROM sweeps ";

SweepInfo read_sweep(const SQLite::Statement& q) {
  return SweepInfo{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getDouble(),
                   q.getColumn(6).getString(), q.getColumn(7).getString()};
}

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

int64_t StoreReader::sweep_id(const std::string& name) const {
  SQLite::Statement q(*db_, "SELECT id FROM sweeps WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) throw StoreError(fmt::format("{}: no sweep named \"{}\"", path_, name));
  return q.getColumn(0).getInt64();
}

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

std::optional<SweepInfo> StoreReader::sweep(const std::string& name) const {
  return guarded(path_, "reading a sweep", [&]() -> std::optional<SweepInfo> {
    SQLite::Statement q(*db_, std::string(kSelectSweeps) + "WHERE name = ?");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return read_sweep(q);
  });
}

std::vector<SweepInfo> StoreReader::sweeps() const {
  return guarded(path_, "listing sweeps", [&] {
    SQLite::Statement q(*db_, std::string(kSelectSweeps) + "ORDER BY id");
    std::vector<SweepInfo> out;
    while (q.executeStep()) out.push_back(read_sweep(q));
    return out;
  });
}

}  // namespace bokeh::orchestrator
