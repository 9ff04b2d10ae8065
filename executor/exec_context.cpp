#include "executor/exec_context.h"

#include "grammar/sql_error.h"

namespace shardql {

PooledConnections::~PooledConnections() = default;

BackendConnection* PooledConnections::Acquire(size_t shard, BackendStatus& status) {
  std::unique_ptr<BackendConnection> connection = cluster_.shard(shard).pool->Acquire(status);
  if (!connection) return nullptr;
  BackendConnection* raw = connection.get();
  std::lock_guard lock(mutex_);
  lent_[raw] = std::move(connection);
  return raw;
}

void PooledConnections::Release(size_t shard, BackendConnection* connection) {
  std::unique_ptr<BackendConnection> owned;
  {
    std::lock_guard lock(mutex_);
    auto it = lent_.find(connection);
    if (it == lent_.end()) return;
    owned = std::move(it->second);
    lent_.erase(it);
  }
  cluster_.shard(shard).pool->Release(std::move(owned));
}

ShardTransaction::~ShardTransaction() {
  RollbackAll();
}

BackendConnection* ShardTransaction::Acquire(size_t shard, BackendStatus& status) {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(shard);
  if (it != connections_.end()) {
    status = BackendStatus{};
    return it->second.get();
  }
  std::unique_ptr<BackendConnection> connection = cluster_.shard(shard).pool->Acquire(status);
  if (!connection) return nullptr;
  status = connection->Begin(for_write_);
  if (!status.ok) {
    cluster_.shard(shard).pool->Release(std::move(connection));
    return nullptr;
  }
  BackendConnection* raw = connection.get();
  connections_[shard] = std::move(connection);
  return raw;
}

size_t ShardTransaction::shards_touched() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void ShardTransaction::CommitAll() {
  std::unique_lock lock(mutex_);
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    BackendStatus status = it->second->Commit();
    if (!status.ok) {
      SqlError error = ShardError(status, cluster_.shard(it->first).name, "COMMIT failed: ");
      lock.unlock();
      RollbackAll();
      throw error;
    }
  }
  lock.unlock();
  ReturnAll();
}

void ShardTransaction::RollbackAll() {
  {
    std::lock_guard lock(mutex_);
    for (auto& [shard, connection] : connections_)
      connection->Rollback();
  }
  ReturnAll();
}

void ShardTransaction::ReturnAll() {
  std::lock_guard lock(mutex_);
  for (auto& [shard, connection] : connections_) {
    cluster_.shard(shard).pool->Release(std::move(connection));
  }
  connections_.clear();
}

}  // namespace shardql
