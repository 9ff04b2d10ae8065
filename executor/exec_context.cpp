#include "executor/exec_context.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>

#include "executor/cluster.h"
#include "executor/recovery.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"

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

void ConnectionLease::Discard() {
  if (!connection_) return;
  BackendConnection* connection = connection_;
  connection_ = nullptr;
  provider_->Discard(shard_, connection);
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

void PooledConnections::Discard(size_t, BackendConnection* connection) {
  std::unique_ptr<BackendConnection> owned;  // closed as it goes
  std::lock_guard lock(mutex_);
  auto it = lent_.find(connection);
  if (it == lent_.end()) return;
  owned = std::move(it->second);
  lent_.erase(it);
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

void ShardTransaction::Discard(size_t shard, BackendConnection* connection) {
  {
    std::lock_guard lock(mutex_);
    discarded_.insert(shard);
  }
  Release(shard, connection);
}

size_t ShardTransaction::shards_touched() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void ShardTransaction::BeforeWrite(size_t shard, BackendConnection& connection) {
  {
    std::lock_guard lock(mutex_);
    if (redo_.count(shard)) return;
  }
  if (cluster_.recovery_enabled()) {
    // The shard's write lock first (BEGIN IMMEDIATE took it, or a no-op write takes it), then
    // the look: a router that died holding this lock with a decided transaction has left its
    // record in the catalog by now.
    if (!for_write_) {
      BackendStatus status = connection.Execute(TakeWriteLockSql(), {}, nullptr);
      if (!status.ok) throw ShardError(status, cluster_.shard(shard).name);
    }
    if (cluster_.RecoveryNeeded(cluster_.shard(shard).name)) {
      RollbackAll();
      RecoverDeadRouters(cluster_);
      SqlError error(sqlstate::kSerializationFailure,
                     "could not serialize access: a transaction of a router that stopped had to "
                     "be finished first");
      error.detail = "It is finished now.";
      error.hint = "Run the statement again.";
      throw error;
    }
  }
  std::lock_guard lock(mutex_);
  redo_[shard];
}

namespace {

// Past this much redo held in memory, a transaction writes it to its spill file, so memory stays
// flat however many rows it writes.
constexpr size_t kRedoSpillBytes = size_t{8} << 20;

}  // namespace

void ShardTransaction::Record(size_t shard, const std::string& sql,
                              const std::vector<Value>& params) {
  std::lock_guard lock(mutex_);
  EncodedRedo& redo = redo_[shard];
  if (!cluster_.catalog().store()) return;  // nothing to record it in
  size_t before = redo.bytes.size();
  redo.Append(sql, params);
  redo_bytes_ += redo.bytes.size() - before;
  if (redo_bytes_ > kRedoSpillBytes) SpillRedo();
}

void ShardTransaction::SpillRedo() {
  if (!spill_) {
    spill_ = std::make_unique<RedoSpillFile>(cluster_.catalog().store()->path(),
                                             cluster_.NewTransactionId());
  }
  for (auto& [shard, statements] : redo_) {
    if (statements.statements == 0) continue;
    spill_->Append(cluster_.shard(shard).name, statements);
    statements.Clear();  // keeps its buffer for the next run
  }
  redo_bytes_ = 0;
}

void ShardTransaction::CommitAll(const Decision& decide, bool always_record) {
  std::unique_lock lock(mutex_);
  auto fail = [&](const BackendStatus& status, size_t shard) {
    SqlError error = ShardError(status, cluster_.shard(shard).name, "COMMIT failed: ");
    lock.unlock();
    RollbackAll();
    throw error;
  };
  // Shards only read from commit as they are; the written ones decide together.
  std::vector<size_t> written;
  for (const auto& [shard, statements] : redo_) {
    if (connections_.count(shard)) written.push_back(shard);
  }
  bool two_phase = written.size() > 1 || always_record;
  CatalogStore* store = cluster_.catalog().store();
  bool recorded = two_phase && store != nullptr;
  std::string gid = !two_phase ? std::string()
                    : spill_   ? spill_->gid()
                               : cluster_.NewTransactionId();
  CommitRecord record;
  if (recorded) {
    // Each written shard marks the transaction as its own, inside it: recovery tells a shard that
    // committed its part from one that lost it by the marker.
    std::string mark = MarkerInsertSql(cluster_.dialect());
    for (size_t shard : written) {
      BackendStatus status = connections_[shard]->Execute(mark, {Value::Text(gid)}, nullptr);
      if (!status.ok) fail(status, shard);
      redo_[shard].Append(mark, {Value::Text(gid)});
    }
    record.owner = cluster_.router_id();
    record.gid = gid;
    std::vector<std::pair<std::string, const EncodedRedo*>> parts;
    for (size_t shard : written)
      parts.emplace_back(cluster_.shard(shard).name, &redo_[shard]);
    record.encoded = EncodeRedo(parts);
    if (spill_) {
      try {
        spill_->Sync();  // the decision must find what it decides
      } catch (...) {
        lock.unlock();
        RollbackAll();
        throw;
      }
    }
  }
  if (two_phase) {
    for (size_t shard : written) {
      BackendStatus status = connections_[shard]->PrepareTransaction(gid);
      if (!status.ok) fail(status, shard);
    }
  }
  // The decision: from here the transaction commits, whatever happens to this router.
  try {
    if (decide) {
      decide(recorded ? &record : nullptr);
    } else if (recorded) {
      store->AppendCommit(record);
    }
  } catch (...) {
    lock.unlock();
    RollbackAll();
    throw;
  }
  if (recorded && spill_) spill_->Keep();  // recovery's, should a shard fail from here
  for (auto& [shard, connection] : connections_) {
    bool prepared = two_phase && redo_.count(shard);
    BackendStatus status = prepared ? connection->CommitPrepared(gid) : connection->Commit();
    if (status.ok) continue;
    if (!recorded) fail(status, shard);
    // Decided: the shard's part is for recovery to redo, not to undo — by whichever router
    // looks next, this one included.
    store->DisownCommit(record.id);
    SqlError error = ShardError(status, cluster_.shard(shard).name, "COMMIT failed: ");
    error.detail =
        "The transaction is decided: recovery finishes it on the shards that did not commit.";
    lock.unlock();
    RollbackAll();
    throw error;
  }
  if (recorded) {
    store->DeleteCommit(record.id);
    if (spill_) RemoveSpilledRedo(store->path(), gid);
    // The markers served their purpose.
    for (size_t shard : written) {
      connections_[shard]->Execute(MarkerDeleteSql(cluster_.dialect()), {Value::Text(gid)},
                                   nullptr);
    }
  }
  redo_.clear();
  redo_bytes_ = 0;
  spill_.reset();  // a transaction that needed no record: its file goes
  lock.unlock();
  ReturnAll();
}

void ShardTransaction::RollbackAll() {
  {
    std::lock_guard lock(mutex_);
    redo_.clear();
    redo_bytes_ = 0;
    spill_.reset();
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
    if (discarded_.count(shard)) {
      if (connection->in_transaction()) connection->Rollback();
      connection.reset();
    } else {
      cluster_.shard(shard).pool->Release(std::move(connection));
    }
  }
  connections_.clear();
  leased_.clear();
  discarded_.clear();
}

}  // namespace shardql
