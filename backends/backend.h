#pragma once
// A Backend is one shard's database. A BackendConnection runs fragments on it and streams their
// rows in batches. Failures are return values (BackendStatus), not exceptions: the executor decides
// what a failed shard means for the statement (cancel the others, roll back, name the shard).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "planner/value.h"

namespace shardql {

// Rows in one flat, row-major vector. `row_count` is kept explicitly so zero-column rows still
// count.
struct RowBatch {
  size_t width = 0;
  size_t row_count = 0;
  std::vector<Value> values;

  size_t rows() const { return row_count; }
  const Value& at(size_t row, size_t column) const { return values[row * width + column]; }
  void clear() {
    values.clear();
    row_count = 0;
  }
  // Appends each row as its own vector (for callers that keep rows, not batches).
  void AppendRowsTo(std::vector<std::vector<Value>>& rows) const {
    for (size_t r = 0; r < row_count; ++r) {
      rows.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(r * width),
                        values.begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
    }
  }
};

// Receives a fragment's rows. Returning false asks the producer to stop early (LIMIT reached,
// another shard failed).
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual bool Consume(RowBatch& batch) = 0;
};

// Keeps every row, for results known to be small (a shard's catalog, ANALYZE's figures).
class CollectingRowSink : public RowSink {
 public:
  bool Consume(RowBatch& batch) override {
    batch.AppendRowsTo(rows);
    return true;
  }
  std::vector<std::vector<Value>> rows;
};

struct BackendStatus {
  bool ok = true;
  std::string sqlstate;  // PostgreSQL's code for the backend's error
  std::string message;   // the backend's own words
  int64_t rows_changed = 0;

  static BackendStatus Error(std::string sqlstate, std::string message) {
    BackendStatus s;
    s.ok = false;
    s.sqlstate = std::move(sqlstate);
    s.message = std::move(message);
    return s;
  }
};

// A statement's rows, read on demand on the caller's thread (a single-shard route needs no
// worker thread).
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  // Up to `max_rows` more rows into `out` (cleared first); false at the end, or on failure with
  // `status` set.
  virtual bool Next(RowBatch& out, size_t max_rows, BackendStatus& status) = 0;
};

class BackendConnection {
 public:
  virtual ~BackendConnection() = default;

  // Opens a cursor over one statement's rows; null (with `status`) when it cannot start. The
  // connection runs nothing else until the cursor is gone.
  virtual std::unique_ptr<RowCursor> Query(const std::string& sql, const std::vector<Value>& params,
                                           BackendStatus& status) = 0;

  // Runs one statement with `params` bound to $1.. / ?1..; rows (if any) go to `sink` in batches of
  // up to `batch_rows`. A null sink discards rows.
  virtual BackendStatus Execute(const std::string& sql, const std::vector<Value>& params,
                                RowSink* sink, size_t batch_rows = 1024) = 0;

  // Runs `sql`, one statement with one parameter per column of `rows`, once for each row: a bulk
  // load (the merge engine's tables). Stops at the first failure.
  virtual BackendStatus ExecuteForEachRow(const std::string& sql, const RowBatch& rows);

  // Makes what runs on the connection return (SQLSTATE 57014) as soon as it can, and what starts
  // on it after, until ClearInterrupt: an interrupt that comes just before a statement starts is
  // not lost. Thread-safe.
  virtual void Interrupt() = 0;
  // The connection's next statements run again (the owner of a lease calls it first).
  virtual void ClearInterrupt() = 0;

  // `for_write` takes the write lock at once (SQLite's BEGIN IMMEDIATE), so a statement that
  // writes several shards cannot deadlock half-way.
  virtual BackendStatus Begin(bool for_write) = 0;
  virtual BackendStatus Commit() = 0;
  virtual BackendStatus Rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Two-phase commit, PostgreSQL's PREPARE TRANSACTION / COMMIT PREPARED / ROLLBACK PREPARED: a
  // prepared transaction has done every check it will do and commits when asked. On PostgreSQL
  // it is durable and can be finished from any connection, also after a crash. SQLite has no
  // such state: there, PrepareTransaction keeps the transaction open on this connection (SQLite
  // checks constraints as each statement runs, so what remains to fail at COMMIT is I/O), the
  // other two finish it on the same connection, and a crash before COMMIT PREPARED rolls it back
  // (prepared_transactions_survive_crash() is false; the router's commit log must cover that).
  virtual BackendStatus PrepareTransaction(const std::string& gid) = 0;
  virtual BackendStatus CommitPrepared(const std::string& gid) = 0;
  virtual BackendStatus RollbackPrepared(const std::string& gid) = 0;
  virtual bool prepared_transactions_survive_crash() const = 0;
};

// Who a shard is: the cluster it belongs to and its name there. A shard records it on first use,
// and every start checks it, so a swapped, copied or foreign database is never read as this
// shard.
struct ShardIdentity {
  std::string cluster_id;
  std::string shard_name;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const std::string& shard_name() const = 0;
  // A human description for \d and EXPLAIN: "sqlite:/path/shard0.db".
  virtual std::string location() const = 0;
  // Readies the shard at startup. A shard the catalog already places tables on (`holds_tables`)
  // must exist as it was: a SQLite file is never created afresh for it, which would answer as if
  // its rows were gone, nor read when it was emptied (08006). A shard that recorded another
  // identity is refused (F0000, naming both); one that recorded none records `identity`. A new
  // shard is created (a SQLite file's folder is made).
  virtual BackendStatus Attach(const ShardIdentity& identity, bool holds_tables) = 0;
  // Opens a new connection; fails with a BackendStatus when the shard cannot be reached.
  virtual std::unique_ptr<BackendConnection> Connect(BackendStatus& status) = 0;
};

}  // namespace shardql
