// A run's epochs: one row per run and epoch, written as the run reports them, read back in order, and
// counted for a sweep's epoch budget.
#include <SQLiteCpp/VariadicBind.h>
#include <fmt/format.h>

#include <functional>
#include <string>

#include "store/store.h"
#include "store/store_rows.h"

namespace bokeh::orchestrator {

using store_rows::guarded;

namespace {
// The validation figures' columns (common::kValidationFigures names them), after images_per_second:
// `form` of each name, joined by ", ".
std::string validation_columns(const std::function<std::string(const std::string&)>& form) {
  std::string out;
  for (const auto& [name, figure] : common::kValidationFigures) out += (out.empty() ? "" : ", ") + form(name);
  return out;
}

std::string name_of(const std::string& name) { return name; }

const std::string& insert_epoch_sql() {
  static const std::string sql = fmt::format(
      "INSERT INTO epochs (run_id, epoch, train_loss, val_loss, gap, lr, seconds, images_per_second, {}) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, {}) ON CONFLICT (run_id, epoch) DO UPDATE SET "
      "train_loss = excluded.train_loss, val_loss = excluded.val_loss, gap = excluded.gap, lr = excluded.lr, "
      "seconds = excluded.seconds, images_per_second = excluded.images_per_second, {}",
      validation_columns(name_of), validation_columns([](const std::string&) { return std::string("?"); }),
      validation_columns([](const std::string& name) { return name + " = excluded." + name; }));
  return sql;
}

const std::string& select_epochs_sql() {
  static const std::string sql = fmt::format(
      "SELECT epoch, train_loss, val_loss, gap, lr, seconds, images_per_second, {} FROM epochs WHERE run_id = ? "
      "ORDER BY epoch",
      validation_columns(name_of));
  return sql;
}
}  // namespace

void Store::record_epoch(int64_t run_id, const EpochRecord& e) {
  guarded(path_, "recording an epoch", [&] {
    SQLite::Statement q(*db_, insert_epoch_sql());
    SQLite::bind(q, run_id, e.epoch, e.train_loss, e.val_loss, e.gap, e.lr, e.seconds, e.images_per_second);
    const common::EpochFigures figures = epoch_figures(e);
    int column = 9;
    for (const auto& [name, figure] : common::kValidationFigures) {
      if (const std::optional<double>& value = figures.*figure)
        q.bind(column++, *value);
      else
        q.bind(column++);  // NULL: not computed
    }
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

int64_t StoreReader::trained_epochs(const std::string& sweep) const {
  return guarded(path_, "counting epochs", [&] {
    SQLite::Statement q(*db_, "SELECT COUNT(*) FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.sweep_id = ?");
    q.bind(1, sweep_id(sweep));
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

std::vector<EpochRecord> StoreReader::epochs(int64_t run_id) const {
  return guarded(path_, "reading epochs", [&] {
    SQLite::Statement q(*db_, select_epochs_sql());
    q.bind(1, run_id);
    std::vector<EpochRecord> out;
    while (q.executeStep()) {
      common::EpochFigures figures{q.getColumn(0).getInt64(),  q.getColumn(1).getDouble(), q.getColumn(2).getDouble(),
                                   q.getColumn(3).getDouble(), q.getColumn(4).getDouble(), q.getColumn(5).getDouble(),
                                   q.getColumn(6).getDouble()};
      int column = 7;
      for (const auto& [name, figure] : common::kValidationFigures)
        figures.*figure = store_rows::optional_real(q.getColumn(column++));
      out.push_back(epoch_record(figures));
    }
    return out;
  });
}

}  // namespace bokeh::orchestrator
