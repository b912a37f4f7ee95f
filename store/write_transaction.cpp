// Nesting write transactions on one SQLite connection.
#include "store/write_transaction.h"

#include <sqlite3.h>

namespace bokeh::orchestrator {

WriteTransaction::WriteTransaction(SQLite::Database& db) : db_(db) {
  if (sqlite3_get_autocommit(db_.getHandle()) == 0) return;  // an outer transaction is open
  db_.exec("BEGIN IMMEDIATE");
  owned_ = true;
}

WriteTransaction::~WriteTransaction() {
  if (!owned_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {  // SQLite may have rolled back already (an I/O error); nothing is left to undo
  }
}

void WriteTransaction::commit() {
  if (!owned_) return;
  db_.exec("COMMIT");
  owned_ = false;
}

}  // namespace bokeh::orchestrator
