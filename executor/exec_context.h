#pragma once
// What running one statement needs: the cluster, where shard connections come from (the pools in
// autocommit, or the transaction's pinned connections), the parameter values, the statement's
// cancel token, and settings. Connections are leased: a ConnectionLease gives its connection back
// when it goes, on every path.

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "executor/cancel_token.h"
#include "executor/cluster.h"
#include "executor/redo_spill.h"
#include "planner/commit_record.h"

namespace shardql {

class ConnectionProvider;

// One shard's connection for as long as the lease lives.
class ConnectionLease {
 public:
  ConnectionLease() = default;
  ConnectionLease(ConnectionProvider* provider, size_t shard, BackendConnection* connection)
      : provider_(provider), shard_(shard), connection_(connection) {}
  ConnectionLease(ConnectionLease&& other) noexcept { *this = std::move(other); }
  ConnectionLease& operator=(ConnectionLease&& other) noexcept;
  ~ConnectionLease() { Release(); }

  void Release();
  // Gives the connection back to be closed, never reused: it may hold what another statement
  // must not see (a temporary table that could not be dropped).
  void Discard();
  BackendConnection* get() const { return connection_; }
  BackendConnection* operator->() const { return connection_; }
  explicit operator bool() const { return connection_ != nullptr; }

 private:
  ConnectionProvider* provider_ = nullptr;
  size_t shard_ = 0;
  BackendConnection* connection_ = nullptr;
};

class ConnectionProvider {
 public:
  virtual ~ConnectionProvider() = default;
  // A connection to the cluster's shard `shard` for the lease's life; an empty lease (with
  // `status`) when the shard is down. `cancel`, when given, ends a wait for a busy connection.
  ConnectionLease Lease(size_t shard, BackendStatus& status, const CancelToken* cancel = nullptr) {
    return ConnectionLease(this, shard, Acquire(shard, status, cancel));
  }

 protected:
  friend class ConnectionLease;
  virtual BackendConnection* Acquire(size_t shard, BackendStatus& status,
                                     const CancelToken* cancel) = 0;
  virtual void Release(size_t shard, BackendConnection* connection) = 0;
  virtual void Discard(size_t shard, BackendConnection* connection) = 0;
};

// Connections lent by the pools for the length of one use (autocommit reads and single-shard
// writes).
class PooledConnections : public ConnectionProvider {
 public:
  explicit PooledConnections(Cluster& cluster) : cluster_(cluster) {}
  ~PooledConnections() override;

 protected:
  BackendConnection* Acquire(size_t shard, BackendStatus& status,
                             const CancelToken* cancel) override;
  void Release(size_t shard, BackendConnection* connection) override;
  void Discard(size_t shard, BackendConnection* connection) override;

 private:
  Cluster& cluster_;
  std::mutex mutex_;
  std::map<BackendConnection*, std::unique_ptr<BackendConnection>> lent_;
};

// One connection per shard, each in a transaction begun when the shard is first used. The
// statement (or the user's BEGIN ... COMMIT) ends with CommitAll or RollbackAll; a transaction
// left open is rolled back. A pinned connection serves one lease at a time: a second lease of the
// same shard waits for the first to end, so two parts of a statement never run on it at once.
class ShardTransaction : public ConnectionProvider {
 public:
  ShardTransaction(Cluster& cluster, bool for_write) : cluster_(cluster), for_write_(for_write) {}
  ~ShardTransaction() override;

  // What to do at the moment of decision, in the same durable write as the commit record (or
  // with none, for an in-memory catalog): DDL changes the catalog here. Throwing rolls
  // everything back.
  using Decision = std::function<void(CommitRecord* record)>;

  // Commits every shard, all or nothing. Shards that were written to prepare first; when more
  // than one was (or `always_record`), a commit record with what redoes each one's part is kept
  // in the catalog file from the decision until every shard has committed, so recovery finishes
  // the transaction if this router dies half-way (executor/recovery.h). Throws SqlError naming
  // the shard that failed; before the decision, everything is rolled back.
  void CommitAll(const Decision& decide = nullptr, bool always_record = false);
  void RollbackAll();
  size_t shards_touched() const;

  // Call before the first write on a shard (WriteTarget does): takes the shard's write lock and
  // checks that no router died with a decided transaction on it still to finish — if one did,
  // finishes it and fails this statement with 40001, to be retried. Then every write the shard
  // runs is recorded (Record) for the commit record.
  void BeforeWrite(size_t shard, BackendConnection& connection);
  void Record(size_t shard, const std::string& sql, const std::vector<Value>& params);

 protected:
  BackendConnection* Acquire(size_t shard, BackendStatus& status,
                             const CancelToken* cancel) override;
  void Release(size_t shard, BackendConnection* connection) override;
  // The connection stays the transaction's (its work is not lost); at the end it is closed
  // instead of going back to the pool.
  void Discard(size_t shard, BackendConnection* connection) override;

 private:
  void ReturnAll();
  std::set<size_t> discarded_;

  Cluster& cluster_;
  bool for_write_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::map<size_t, std::unique_ptr<BackendConnection>> connections_;
  std::set<size_t> leased_;
  // Moves the redo statements held so far to the transaction's spill file (redo_spill.h).
  void SpillRedo();

  // Shards written to, with the statements that redo their part (those not spilled yet), kept
  // only when there is a catalog file to record them in.
  std::map<size_t, EncodedRedo> redo_;
  size_t redo_bytes_ = 0;  // what redo_ holds
  // Once part of the redo went to disk: its file, named by the transaction's id. Dropping it
  // removes the file unless the decision was written.
  std::unique_ptr<RedoSpillFile> spill_;
};

struct ExecSettings {
  size_t batch_rows = 1024;
  // Shards of one route read at once when their rows may arrive in any order: one per core by
  // default (SQLite shards are CPU-bound inside this process).
  size_t max_parallel_shards = std::max(1u, std::thread::hardware_concurrency());
  // The merge engine keeps this much in memory, then spills to a temporary file.
  int64_t merge_memory_limit_kb = int64_t{256} * 1024;
  // A statement running longer is cancelled (57014); 0: never.
  int64_t statement_timeout_ms = 0;
};

// What running a plan counted, for EXPLAIN ANALYZE: per route and shard, and per merge.
struct ExecStats {
  struct Shard {
    size_t rows = 0;
    size_t batches = 0;
    double ms = 0;  // from the shard's start to its last row
  };
  std::mutex mutex;
  std::map<const void*, std::map<std::string, Shard>> routes;  // by Route
  std::map<const void*, size_t> merge_rows;                    // by MergeNode
};

struct ExecContext {
  Cluster& cluster;
  ConnectionProvider& connections;
  const std::vector<Value>& params;
  const ExecSettings& settings;
  CancelToken& cancel;
  ExecStats* stats = nullptr;  // EXPLAIN ANALYZE only
};

}  // namespace shardql
