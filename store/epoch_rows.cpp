// A run's epochs: one row per run and epoch, written as the run reports them, read back in order, and
// counted for a sweep's epoch budget.
#include <SQLiteCpp/VariadicBind.h>

#include "store/store.h"
#include "store/store_rows.h"

namespace bokeh::orchestrator {

using store_rows::guarded;

namespace {
// The validation metrics of an epoch row, in their columns' order (after images_per_second).
constexpr std::optional<double> EpochRecord::*kValidationMetrics[] = {&EpochRecord::val_l1, &EpochRecord::val_psnr,
                                                                      &EpochRecord::val_ssim, &EpochRecord::val_lpips};
}  // namespace

void Store::record_epoch(int64_t run_id, const EpochRecord& e) {
  guarded(path_, "recording an epoch", [&] {
    SQLite::Statement q(*db_,
                        "INSERT INTO epochs (run_id, epoch, train_loss, val_loss, gap, lr, seconds, images_per_second, "
                        "val_l1, val_psnr, val_ssim, val_lpips) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (run_id, epoch) DO UPDATE SET "
                        "train_loss = excluded.train_loss, val_loss = excluded.val_loss, gap = excluded.gap, "
                        "lr = excluded.lr, seconds = excluded.seconds, images_per_second = excluded.images_per_second, "
                        "val_l1 = excluded.val_l1, val_psnr = excluded.val_psnr, val_ssim = excluded.val_ssim, "
                        "val_lpips = excluded.val_lpips");
    SQLite::bind(q, run_id, e.epoch, e.train_loss, e.val_loss, e.gap, e.lr, e.seconds, e.images_per_second);
    int column = 9;
    for (const auto metric : kValidationMetrics) {
      if (const std::optional<double>& value = e.*metric)
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
    SQLite::Statement q(*db_,
                        "SELECT epoch, train_loss, val_loss, gap, lr, seconds, images_per_second, val_l1, val_psnr, "
                        "val_ssim, val_lpips FROM epochs WHERE run_id = ? ORDER BY epoch");
    q.bind(1, run_id);
    std::vector<EpochRecord> out;
    while (q.executeStep()) {
      out.push_back(EpochRecord{q.getColumn(0).getInt64(), q.getColumn(1).getDouble(), q.getColumn(2).getDouble(),
                                q.getColumn(3).getDouble(), q.getColumn(4).getDouble(), q.getColumn(5).getDouble(),
                                q.getColumn(6).getDouble()});
      int column = 7;
      for (const auto metric : kValidationMetrics)
        out.back().*metric = store_rows::optional_real(q.getColumn(column++));
    }
    return out;
  });
}

}  // namespace bokeh::orchestrator
