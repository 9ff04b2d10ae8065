#include "executor/rowid_allocator.h"

#include "executor/cluster.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

class MaxSink : public RowSink {
 public:
  bool Consume(RowBatch& batch) override {
    for (const Value& v : batch.values) {
      if (v.kind() == Value::Kind::kInteger && v.integer() > max) max = v.integer();
    }
    return true;
  }
  int64_t max = 0;
};

}  // namespace

int64_t RowidAllocator::AboveShards(const TableInfo& table, Cluster& cluster) {
  MaxSink sink;
  std::string sql = "SELECT max(rowid) FROM " + cluster.dialect().QuoteIdentifier(table.name);
  for (const std::string& name : table.shards()) {
    size_t index = cluster.ShardIndex(name);
    ConnectionPool& pool = *cluster.shard(index).pool;
    BackendStatus status;
    auto connection = pool.Acquire(status);
    if (connection) status = connection->Execute(sql, {}, &sink);
    pool.Release(std::move(connection));
    if (!status.ok) throw ShardError(status, name);
  }
  return sink.max + 1;
}

int64_t RowidAllocator::Reserve(const TableInfo& table, size_t count, Cluster& cluster) {
  if (cluster.catalog().persistent()) {
    bool first = false;
    {
      std::lock_guard lock(mutex_);
      first = checked_.insert(table.name).second;
    }
    std::function<int64_t()> floor;
    if (first) floor = [&] { return AboveShards(table, cluster); };
    return cluster.catalog().TakeNumbers("rowid " + table.name, static_cast<int64_t>(count), floor);
  }
  std::lock_guard lock(mutex_);
  auto it = next_.find(table.name);
  if (it == next_.end()) it = next_.emplace(table.name, AboveShards(table, cluster)).first;
  int64_t first = it->second;
  it->second += static_cast<int64_t>(count);
  return first;
}

void RowidAllocator::ForgetAll() {
  std::lock_guard lock(mutex_);
  next_.clear();
  checked_.clear();
}

void RowidAllocator::Forget(const std::string& table) {
  std::lock_guard lock(mutex_);
  next_.erase(table);
  checked_.erase(table);
}

}  // namespace shardql
