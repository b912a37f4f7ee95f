// Sampled trials: a draw's run and trial row added together, and the sweep's draws read back.
#include "common/unix_time.h"
#include "store/store.h"
#include "store/store_rows.h"
#include "store/write_transaction.h"

namespace bokeh::orchestrator {
namespace {

using store_rows::guarded;
using store_rows::insert_event;
using store_rows::rows_of_sweep;

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

}  // namespace

std::optional<int64_t> Store::add_trial(const std::string& sweep, const NewRun& r, const TrialRecord& trial) {
  return guarded(path_, "adding a trial", [&]() -> std::optional<int64_t> {
    WriteTransaction transaction(*db_);
    const int64_t sid = sweep_id(sweep);
    SQLite::Statement insert(*db_, store_rows::kInsertRun);
    std::optional<int64_t> run_id;
    if (store_rows::insert_run(insert, sid, r) > 0) run_id = db_->getLastInsertRowid();
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

std::vector<TrialRecord> StoreReader::trials(const std::string& sweep) const {
  return guarded(path_, "listing trials", [&] {
    return rows_of_sweep(*db_,
                         "SELECT t.number, t.run_id, t.method, t.proposal, t.state, t.drawn FROM trials t "
                         "JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = ? ORDER BY t.number",
                         sweep, read_trial);
  });
}

}  // namespace bokeh::orchestrator
