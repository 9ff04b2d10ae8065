#pragma once
// What running one statement needs: the cluster, where shard connections come from (the pools in
// autocommit, or the transaction's pinned connections), the parameter values, and settings.

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "executor/cluster.h"

namespace shardql {

class ConnectionProvider {
 public:
  virtual ~ConnectionProvider() = default;
  // A connection to the cluster's shard `shard`; null (with `status`) when the shard is down.
  virtual BackendConnection* Acquire(size_t shard, BackendStatus& status) = 0;
  virtual void Release(size_t shard, BackendConnection* connection) = 0;
};

// Connections lent by the pools for the length of one use (autocommit reads and single-shard
// writes).
class PooledConnections : public ConnectionProvider {
 public:
  explicit PooledConnections(Cluster& cluster) : cluster_(cluster) {}
  ~PooledConnections() override;
  BackendConnection* Acquire(size_t shard, BackendStatus& status) override;
  void Release(size_t shard, BackendConnection* connection) override;

 private:
  Cluster& cluster_;
  std::mutex mutex_;
  std::map<BackendConnection*, std::unique_ptr<BackendConnection>> lent_;
};

// One connection per shard, each in a transaction begun when the shard is first used. The
// statement (or the user's BEGIN ... COMMIT) ends with CommitAll or RollbackAll; a transaction
// left open is rolled back.
class ShardTransaction : public ConnectionProvider {
 public:
  ShardTransaction(Cluster& cluster, bool for_write) : cluster_(cluster), for_write_(for_write) {}
  ~ShardTransaction() override;
  BackendConnection* Acquire(size_t shard, BackendStatus& status) override;
  void Release(size_t, BackendConnection*) override {}

  // Commits every shard; throws SqlError naming the first shard that failed (the others are
  // rolled back if they had not committed yet).
  void CommitAll();
  void RollbackAll();
  size_t shards_touched() const;

 private:
  void ReturnAll();

  Cluster& cluster_;
  bool for_write_;
  mutable std::mutex mutex_;
  std::map<size_t, std::unique_ptr<BackendConnection>> connections_;
};

struct ExecSettings {
  size_t batch_rows = 1024;
  // Shards of one route read at once when their rows may arrive in any order: one per core by
  // default (SQLite shards are CPU-bound inside this process).
  size_t max_parallel_shards = std::max(1u, std::thread::hardware_concurrency());
  // The merge engine keeps this much in memory, then spills to a temporary file.
  int64_t merge_memory_limit_kb = 256 * 1024;
  // A statement running longer is cancelled (57014); 0: never.
  int64_t statement_timeout_ms = 0;
};

struct ExecContext {
  Cluster& cluster;
  ConnectionProvider& connections;
  const std::vector<Value>& params;
  const ExecSettings& settings;
};

}  // namespace shardql
