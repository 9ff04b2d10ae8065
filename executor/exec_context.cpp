#include "executor/exec_context.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>

#include "executor/cluster.h"
#include "grammar/sql_error.h"

namespace shardql {

ConnectionLease& ConnectionLease::operator=(ConnectionLease&& other) noexcept {
  if (this != &other) {
    Release();
    provider_ = other.provider_;
    shard_ = other.shard_;
    connection_ = other.connection_;
    other.connection_ = nullptr;
  }
  return *this;
}

void ConnectionLease::Release() {
  if (!connection_) return;
  BackendConnection* connection = connection_;
  connection_ = nullptr;
  provider_->Release(shard_, connection);
}

PooledConnections::~PooledConnections() = default;

BackendConnection* PooledConnections::Acquire(size_t shard, BackendStatus& status,
                                              const CancelToken*) {
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

BackendConnection* ShardTransaction::Acquire(size_t shard, BackendStatus& status,
                                             const CancelToken* cancel) {
  std::unique_lock lock(mutex_);
  // Another part of the statement has it: wait for it (in turn), or for the statement's end.
  while (leased_.count(shard)) {
    if (cancel && cancel->cancelled()) {
      status = BackendStatus::Error(sqlstate::kQueryCanceled, cancel->Error().message());
      return nullptr;
    }
    released_.wait_for(lock, std::chrono::milliseconds(50));
  }
  auto it = connections_.find(shard);
  if (it != connections_.end()) {
    status = BackendStatus{};
    leased_.insert(shard);
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
  leased_.insert(shard);
  return raw;
}

void ShardTransaction::Release(size_t shard, BackendConnection*) {
  {
    std::lock_guard lock(mutex_);
    leased_.erase(shard);
  }
  released_.notify_all();
}

size_t ShardTransaction::shards_touched() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

namespace {

// A global transaction id, unique across the router's statements and processes.
std::string NewTransactionId(const std::string& shard) {
  static std::atomic<uint64_t> next{1};
  return fmt::format("shardql_{}_{}_{}", getpid(), next.fetch_add(1), shard);
}

}  // namespace

void ShardTransaction::CommitAll() {
  std::unique_lock lock(mutex_);
  if (connections_.size() > 1) {
    // Two phases: every shard prepares (does its last checks) before any commits, so a shard that
    // cannot commit fails the statement while the others can still roll back.
    std::map<size_t, std::string> prepared;
    for (auto& [shard, connection] : connections_) {
      std::string gid = NewTransactionId(cluster_.shard(shard).name);
      BackendStatus status = connection->PrepareTransaction(gid);
      if (!status.ok) {
        SqlError error = ShardError(status, cluster_.shard(shard).name, "COMMIT failed: ");
        for (const auto& [done, done_gid] : prepared)
          connections_[done]->RollbackPrepared(done_gid);
        lock.unlock();
        RollbackAll();
        throw error;
      }
      prepared[shard] = gid;
    }
    for (auto& [shard, connection] : connections_) {
      BackendStatus status = connection->CommitPrepared(prepared[shard]);
      if (!status.ok) {
        // Shards before this one have committed: SQLite cannot take that back (backend.h).
        SqlError error = ShardError(status, cluster_.shard(shard).name, "COMMIT failed: ");
        lock.unlock();
        RollbackAll();
        throw error;
      }
    }
  } else {
    for (auto& [shard, connection] : connections_) {
      BackendStatus status = connection->Commit();
      if (!status.ok) {
        SqlError error = ShardError(status, cluster_.shard(shard).name, "COMMIT failed: ");
        lock.unlock();
        RollbackAll();
        throw error;
      }
    }
  }
  lock.unlock();
  ReturnAll();
}

void ShardTransaction::RollbackAll() {
  {
    std::lock_guard lock(mutex_);
    for (auto& [shard, connection] : connections_) {
      connection->ClearInterrupt();  // a cancelled statement's interrupt must not stop the rollback
      connection->Rollback();
    }
  }
  ReturnAll();
}

void ShardTransaction::ReturnAll() {
  std::lock_guard lock(mutex_);
  for (auto& [shard, connection] : connections_) {
    cluster_.shard(shard).pool->Release(std::move(connection));
  }
  connections_.clear();
  leased_.clear();
}

}  // namespace shardql
