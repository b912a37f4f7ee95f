// A write transaction that nests: BEGIN IMMEDIATE when the connection has none open, nothing when an
// outer one (Store::exclusively) already holds the database's write lock, so that every store
// operation inside it commits or rolls back with it.
#pragma once

#include <SQLiteCpp/Database.h>

namespace bokeh::orchestrator {

class WriteTransaction {
 public:
  explicit WriteTransaction(SQLite::Database& db);
  ~WriteTransaction();  // rolls back an owned transaction that was not committed
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();  // commits an owned transaction; inside an outer one, the outer commit does

 private:
  SQLite::Database& db_;
  bool owned_ = false;
};

}  // namespace bokeh::orchestrator
