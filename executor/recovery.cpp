#include "executor/recovery.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "executor/cluster.h"
#include "executor/redo_spill.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"
#include "planner/commit_record.h"

namespace shardql {

std::string TakeWriteLockSql() {
  // A write that changes nothing still takes the shard's write lock.
  return "DELETE FROM shardql_applied WHERE 0 = 1";
}

std::string MarkerInsertSql(const Dialect& dialect) {
  return "INSERT INTO shardql_applied (gid) VALUES (" + dialect.Placeholder(1) + ")";
}

std::string MarkerDeleteSql(const Dialect& dialect) {
  return "DELETE FROM shardql_applied WHERE gid = " + dialect.Placeholder(1);
}

std::string MarkerCountSql(const Dialect& dialect) {
  return "SELECT count(*) FROM shardql_applied WHERE gid = " + dialect.Placeholder(1);
}

namespace {

struct CountSink : RowSink {
  int64_t count = 0;
  bool Consume(RowBatch& batch) override {
    if (batch.rows() > 0) count = batch.at(0, 0).integer();
    return true;
  }
};

// Redoes one shard's part of `record` unless its marker shows it committed; true when it redid.
bool FinishOnShard(Cluster& cluster, const CommitRecord& record, const std::string& shard_name,
                   const std::vector<RedoStatement>& statements) {
  size_t index = cluster.ShardIndex(shard_name);
  ConnectionPool& pool = *cluster.shard(index).pool;
  BackendStatus status;
  std::unique_ptr<BackendConnection> connection = pool.Acquire(status);
  if (!connection) throw ShardError(status, shard_name, "recovery: ");
  auto check = [&](const BackendStatus& s) {
    if (!s.ok) {
      connection->Rollback();
      pool.Release(std::move(connection));
      throw ShardError(s, shard_name, "recovery: ");
    }
  };
  check(connection->Begin(true));
  CountSink marker;
  check(connection->Execute(MarkerCountSql(cluster.dialect()), {Value::Text(record.gid)}, &marker));
  bool redo = marker.count == 0;
  if (redo) {
    // The parts written before the decision first, in order, then the record's own statements.
    auto run = [&](const std::vector<RedoStatement>& part) {
      for (const RedoStatement& s : part)
        check(connection->Execute(s.sql, s.params, nullptr));
    };
    ForEachSpilledRedo(cluster.catalog().store()->path(), record.gid, shard_name, run);
    run(statements);
  }
  check(connection->Commit());
  // The marker is needed no longer once the record goes; a leftover one is harmless.
  connection->Execute(MarkerDeleteSql(cluster.dialect()), {Value::Text(record.gid)}, nullptr);
  pool.Release(std::move(connection));
  return redo;
}

}  // namespace

std::vector<std::string> RecoverDeadRouters(Cluster& cluster) {
  std::vector<std::string> done;
  CatalogStore* store = cluster.catalog().store();
  if (!store) return done;
  for (const CommitRecord& record : store->Commits()) {
    if (cluster.IsRouterAlive(record.owner)) continue;
    std::vector<std::string> redone;
    for (const auto& [shard, statements] : record.shards) {
      if (FinishOnShard(cluster, record, shard, statements)) redone.push_back(shard);
    }
    store->DeleteCommit(record.id);
    RemoveSpilledRedo(store->path(), record.gid);
    done.push_back(fmt::format("finished transaction {} of router {}: {}", record.gid,
                               record.owner.empty() ? "(unknown)" : record.owner,
                               redone.empty()
                                   ? std::string("every shard had committed its part")
                                   : fmt::format("redone on {}", fmt::join(redone, ", "))));
    cluster.ForgetRouter(record.owner);
  }
  // Markers of finished transactions of routers that stopped right after finishing them.
  std::set<std::string> pending;
  for (const CommitRecord& record : store->Commits())
    pending.insert(record.gid);
  // Spilled redo of transactions their routers never decided (or finished, then stopped).
  for (const std::string& gid : SpilledRedoGids(store->path())) {
    if (pending.count(gid) || cluster.IsRouterAlive(gid.substr(0, gid.find(':')))) continue;
    RemoveSpilledRedo(store->path(), gid);
    done.push_back(fmt::format("removed the redo file of undecided transaction {}", gid));
  }
  for (size_t s = 0; s < cluster.shard_count(); ++s) {
    ConnectionPool& pool = *cluster.shard(s).pool;
    BackendStatus status;
    std::unique_ptr<BackendConnection> connection = pool.Acquire(status);
    if (!connection) throw ShardError(status, cluster.shard(s).name, "recovery: ");
    struct Gids : RowSink {
      std::vector<std::string> gids;
      bool Consume(RowBatch& batch) override {
        for (const Value& v : batch.values)
          gids.push_back(v.is_null() ? "" : std::string(v.text()));
        return true;
      }
    } markers;
    status = connection->Execute("SELECT gid FROM shardql_applied", {}, &markers);
    for (const std::string& gid : markers.gids) {
      if (!status.ok || pending.count(gid)) continue;
      if (cluster.IsRouterAlive(gid.substr(0, gid.find(':')))) continue;
      status = connection->Execute(MarkerDeleteSql(cluster.dialect()), {Value::Text(gid)}, nullptr);
      if (status.ok) {
        done.push_back(fmt::format("{}: removed the marker of finished transaction {}",
                                   cluster.shard(s).name, gid));
      }
    }
    pool.Release(std::move(connection));
    if (!status.ok) throw ShardError(status, cluster.shard(s).name, "recovery: ");
  }
  // Nothing of theirs is left to finish: routers that stopped are forgotten.
  cluster.ForgetDeadRouters();
  return done;
}

}  // namespace shardql
