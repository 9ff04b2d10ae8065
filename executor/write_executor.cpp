#include "executor/write_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "executor/merge_engine.h"
#include "executor/row_stream.h"
#include "grammar/sql_error.h"
#include "planner/shard_pruning.h"
#include "planner/write_planner.h"

namespace shardql {
namespace {

// One shard's statements, run in order.
struct ShardWork {
  size_t shard = 0;  // cluster index
  std::vector<std::pair<std::string, std::vector<Value>>> statements;
};

// Where write statements run: the user's transaction, or a transaction of their own when they
// touch several shards (or run several statements on one), or plain autocommit.
class WriteTarget {
 public:
  WriteTarget(Cluster& cluster, ShardTransaction* user, PooledConnections& pooled,
              CancelToken& cancel)
      : cluster_(cluster), user_(user), pooled_(pooled), cancel_(cancel) {}

  int64_t Apply(const std::vector<ShardWork>& work) {
    size_t statements = 0;
    for (const ShardWork& w : work)
      statements += w.statements.size();
    if (statements == 0) return 0;
    if (user_) return ApplyOn(*user_, work);
    // One statement on one shard commits alone — unless a router that died may have left work on
    // the shard, which only a transaction's check (BeforeWrite) sees.
    if (work.size() == 1 && statements == 1 && !cluster_.recovery_enabled()) {
      const ShardWork& w = work[0];
      BackendStatus status;
      ConnectionLease connection = pooled_.Lease(w.shard, status, &cancel_);
      if (connection) status = Run(connection, w.statements[0].first, w.statements[0].second);
      Check(status, w.shard);
      return status.rows_changed;
    }
    ShardTransaction local(cluster_, true);
    int64_t rows = ApplyOn(local, work);
    local.CommitAll();
    return rows;
  }

  int64_t ApplyOn(ShardTransaction& transaction, const std::vector<ShardWork>& work) {
    int64_t rows = 0;
    for (const ShardWork& w : work) {
      BackendStatus status;
      ConnectionLease connection = transaction.Lease(w.shard, status, &cancel_);
      Check(status, w.shard);
      transaction.BeforeWrite(w.shard, *connection.get());
      for (const auto& [sql, values] : w.statements) {
        status = Run(connection, sql, values);
        Check(status, w.shard);
        transaction.Record(w.shard, sql, values);
        rows += status.rows_changed;
      }
    }
    return rows;
  }

  // One statement on a leased connection, interrupted when the statement is cancelled.
  BackendStatus Run(const ConnectionLease& connection, const std::string& sql,
                    const std::vector<Value>& values, RowSink* sink = nullptr) {
    connection->ClearInterrupt();
    BackendConnection* raw = connection.get();
    CancelToken::Registration interrupt = cancel_.Register([raw] { raw->Interrupt(); });
    return connection->Execute(sql, values, sink);
  }

  void Check(const BackendStatus& status, size_t shard) const {
    if (status.ok) return;
    cancel_.ThrowIfCancelled();
    throw ShardError(status, cluster_.shard(shard).name);
  }

 private:
  Cluster& cluster_;
  ShardTransaction* user_;
  PooledConnections& pooled_;
  CancelToken& cancel_;
};

// The rows to insert, each as InsertedColumns(write) orders its values.
using Rows = std::vector<std::vector<Value>>;

// The rows an INSERT gives: DEFAULT VALUES, its literal rows, or its query's.
Rows SourceRows(const WritePlan& write, Cluster& cluster, ConnectionProvider& reads,
                const std::vector<Value>& params, const ExecSettings& settings,
                CancelToken& cancel) {
  Rows rows;
  if (write.default_values) {
    rows.emplace_back();
  } else if (write.source) {
    ExecContext ctx{cluster, reads, params, settings, cancel};
    std::unique_ptr<RowStream> stream = OpenMergeTree(*write.source->root, ctx);
    RowBatch batch;
    while (stream->Next(batch))
      batch.AppendRowsTo(rows);
  } else {
    for (const auto& row : write.literal_rows) {
      std::vector<Value> cells;
      for (const auto& e : row) {
        if (e->kind == plan::ExprKind::kParam) {
          cells.push_back(e->param_index <= params.size() ? params[e->param_index - 1]
                                                          : Value::Null());
        } else {
          cells.push_back(e->value);
        }
      }
      rows.push_back(std::move(cells));
    }
  }
  return rows;
}

// Completes each row as InsertedColumns orders it: the rowid the router assigns, the shard key's
// DEFAULT.
void CompleteRows(const WritePlan& write, Rows& rows, Cluster& cluster,
                  const ExecSettings& settings) {
  if (rows.empty()) return;
  if (write.router_numbers_rows) {
    int64_t next = cluster.rowids().Reserve(*write.table, rows.size(), cluster);
    for (auto& row : rows)
      row.push_back(Value::Integer(next++));
  }
  if (write.key_numbered) {
    for (auto& row : rows)
      row.push_back(Value::Null());  // numbered by NumberNullKeys
  }
  if (write.key_from_default) {
    std::vector<Value> defaults =
        EvaluateDefaults(cluster, write.table->shard_key_column().default_sql, rows.size(),
                         settings.merge_memory_limit_kb);
    for (size_t r = 0; r < rows.size(); ++r)
      rows[r].push_back(std::move(defaults[r]));
  }
}

// Assigns each row to the shards that store it: its key's owner, or every shard of a reference
// table. Cluster shard index -> row indexes.
std::map<size_t, std::vector<size_t>> RouteRows(const TableInfo& table,
                                                const std::vector<int>& columns, const Rows& rows,
                                                Cluster& cluster) {
  std::map<size_t, std::vector<size_t>> by_shard;
  if (table.distribution == DistributionKind::kReference) {
    for (const std::string& name : table.shards()) {
      auto& list = by_shard[cluster.ShardIndex(name)];
      for (size_t r = 0; r < rows.size(); ++r)
        list.push_back(r);
    }
    return by_shard;
  }
  size_t key_pos = static_cast<size_t>(std::find(columns.begin(), columns.end(), table.shard_key) -
                                       columns.begin());
  for (size_t r = 0; r < rows.size(); ++r) {
    uint32_t shard = ShardIndexOfKey(rows[r][key_pos], table, cluster.dialect());
    by_shard[cluster.ShardIndex(table.shards()[shard])].push_back(r);
  }
  return by_shard;
}

// Batched INSERT statements for the rows each shard stores.
std::vector<ShardWork> InsertWork(const TableInfo& table, const std::vector<int>& columns,
                                  const Rows& rows,
                                  const std::map<size_t, std::vector<size_t>>& by_shard,
                                  const Dialect& dialect) {
  std::vector<ShardWork> work;
  size_t width = columns.size();
  size_t per_statement = InsertBatchRows(width);
  for (const auto& [shard, indexes] : by_shard) {
    ShardWork w;
    w.shard = shard;
    for (size_t start = 0; start < indexes.size(); start += per_statement) {
      size_t end = std::min(indexes.size(), width == 0 ? start + 1 : start + per_statement);
      std::vector<Value> values;
      values.reserve((end - start) * width);
      for (size_t i = start; i < end; ++i)
        values.insert(values.end(), rows[indexes[i]].begin(), rows[indexes[i]].end());
      w.statements.push_back({InsertSql(table, columns, end - start, dialect), std::move(values)});
    }
    work.push_back(std::move(w));
  }
  return work;
}

// The position of the table's shard key among the inserted columns; npos when absent.
size_t KeyPosition(const TableInfo& table, const std::vector<int>& columns) {
  auto it = std::find(columns.begin(), columns.end(), table.shard_key);
  return it == columns.end() ? std::string::npos : static_cast<size_t>(it - columns.begin());
}

// Whether some row's INTEGER PRIMARY KEY shard key is NULL: the router numbers it.
bool HasNullKey(const TableInfo& table, const std::vector<int>& columns, const Rows& rows) {
  if (table.distribution != DistributionKind::kHash || !table.shard_key_column().rowid_alias) {
    return false;
  }
  size_t key = KeyPosition(table, columns);
  return key != std::string::npos &&
         std::any_of(rows.begin(), rows.end(), [&](const auto& row) { return row[key].is_null(); });
}

// Numbers NULL INTEGER PRIMARY KEYs as one SQLite database numbers rowids: the largest key + 1,
// rows in order, counting the keys rows before them give. The largest key is read from every
// shard of the table inside `transaction`, which holds each one's write lock until it commits, so
// no other statement of any router can give the same number meanwhile.
void NumberNullKeys(const TableInfo& table, const std::vector<int>& columns, Rows& rows,
                    Cluster& cluster, ShardTransaction& transaction, CancelToken& cancel) {
  struct MaxSink : RowSink {
    std::optional<int64_t> max;
    bool Consume(RowBatch& batch) override {
      for (const Value& v : batch.values) {
        if (v.kind() == Value::Kind::kInteger && (!max || v.integer() > *max)) max = v.integer();
      }
      return true;
    }
  } sink;
  std::string sql = "SELECT max(rowid) FROM " + cluster.dialect().QuoteIdentifier(table.name);
  for (const std::string& name : table.shards()) {
    size_t shard = cluster.ShardIndex(name);
    BackendStatus status;
    ConnectionLease connection = transaction.Lease(shard, status, &cancel);
    if (connection) status = connection->Execute(sql, {}, &sink);
    if (!status.ok) throw ShardError(status, name);
  }
  size_t key = KeyPosition(table, columns);
  int64_t largest = sink.max.value_or(0);
  for (auto& row : rows) {
    Value stored = cluster.dialect().StoredValue(row[key], table.shard_key_column().type);
    if (!stored.is_null()) {
      if (stored.kind() == Value::Kind::kInteger) largest = std::max(largest, stored.integer());
      continue;
    }
    if (largest == std::numeric_limits<int64_t>::max()) {
      // SQLite would look for an unused number at random; the router does not guess.
      throw SqlError(sqlstate::kFeatureNotSupported,
                     fmt::format("no \"{}\" value is left above the largest one, {}",
                                 table.shard_key_column().name, largest));
    }
    row[key] = Value::Integer(++largest);
  }
}

int64_t ExecuteInsert(const WritePlan& write, Cluster& cluster, ShardTransaction* user,
                      PooledConnections& pooled, const std::vector<Value>& params,
                      const ExecSettings& settings, CancelToken& cancel) {
  ConnectionProvider& reads = user ? static_cast<ConnectionProvider&>(*user) : pooled;
  Rows rows = SourceRows(write, cluster, reads, params, settings, cancel);
  CompleteRows(write, rows, cluster, settings);
  std::vector<int> columns = InsertedColumns(write);
  if (HasNullKey(*write.table, columns, rows)) {
    // Numbered inside one transaction over every shard of the table, which the rows then join.
    std::unique_ptr<ShardTransaction> local;
    ShardTransaction* transaction = user;
    if (!transaction) {
      local = std::make_unique<ShardTransaction>(cluster, true);
      transaction = local.get();
    }
    NumberNullKeys(*write.table, columns, rows, cluster, *transaction, cancel);
    auto by_shard = RouteRows(*write.table, columns, rows, cluster);
    WriteTarget target(cluster, transaction, pooled, cancel);
    target.Apply(InsertWork(*write.table, columns, rows, by_shard, cluster.dialect()));
    if (local) local->CommitAll();
    return static_cast<int64_t>(rows.size());
  }
  auto by_shard = RouteRows(*write.table, columns, rows, cluster);
  WriteTarget target(cluster, user, pooled, cancel);
  target.Apply(InsertWork(*write.table, columns, rows, by_shard, cluster.dialect()));
  // A reference table gets every row on every shard; the statement inserted each once.
  return static_cast<int64_t>(rows.size());
}

std::vector<size_t> RouteShards(const Route& route, Cluster& cluster,
                                const std::vector<Value>& params) {
  std::vector<size_t> out;
  for (uint32_t i : ResolveShards(route.choice, *route.ring, params, cluster.dialect()))
    out.push_back(cluster.ShardIndex(route.ring_shards[i]));
  return out;
}

// One database updates rows one at a time in rowid order and checks a unique key at each: a row
// whose new key is a key another row still holds (one not yet moved, or one already moved there)
// fails the statement. The moved rows (each with its old key last, which this removes) are
// replayed that way; keys of rows not moved are checked by the shards as the rows are inserted.
void ReplayKeyCheck(const TableInfo& table, const std::vector<int>& columns, Rows& moved,
                    Cluster& cluster) {
  size_t key = static_cast<size_t>(std::find(columns.begin(), columns.end(), table.shard_key) -
                                   columns.begin());
  auto rowid_it = std::find(columns.begin(), columns.end(), plan::kRowidColumn);
  // The rowid: the router's column, or the key itself for an INTEGER PRIMARY KEY.
  auto rowid_of = [&](const std::vector<Value>& row) -> const Value& {
    return rowid_it == columns.end() ? row.back()
                                     : row[static_cast<size_t>(rowid_it - columns.begin())];
  };
  std::sort(moved.begin(), moved.end(), [&](const auto& a, const auto& b) {
    return cluster.dialect().Compare(rowid_of(a), rowid_of(b), Collation()) < 0;
  });
  const Dialect& dialect = cluster.dialect();
  const ColumnInfo& column = table.shard_key_column();
  auto group_key = [&](const Value& v) {
    std::string out;
    dialect.AppendGroupKey(dialect.StoredValue(v, column.type), column.collation, out);
    return out;
  };
  std::multiset<std::string> held;
  for (const auto& row : moved) {
    if (!row.back().is_null()) held.insert(group_key(row.back()));
  }
  for (auto& row : moved) {
    if (!row.back().is_null()) held.erase(held.find(group_key(row.back())));
    if (!row[key].is_null()) {
      std::string now = group_key(row[key]);
      if (held.count(now)) {
        throw SqlError(sqlstate::kUniqueViolation,
                       fmt::format("UNIQUE constraint failed: {}.{}", table.name, column.name));
      }
      held.insert(now);
    }
    row.pop_back();
  }
}

// UPDATE of the shard key: each row moves to the shard its new key belongs to.
int64_t MoveRows(const WritePlan& write, Cluster& cluster, ShardTransaction* user,
                 PooledConnections& pooled, const std::vector<Value>& params, CancelToken& cancel) {
  std::unique_ptr<ShardTransaction> local;
  ShardTransaction* transaction = user;
  if (!transaction) {
    local = std::make_unique<ShardTransaction>(cluster, true);
    transaction = local.get();
  }
  WriteTarget target(cluster, transaction, pooled, cancel);
  Rows moved;
  for (size_t shard : RouteShards(*write.route, cluster, params)) {
    BackendStatus status;
    ConnectionLease connection = transaction->Lease(shard, status, &cancel);
    target.Check(status, shard);
    struct Collect : RowSink {
      Rows* rows;
      bool Consume(RowBatch& batch) override {
        batch.AppendRowsTo(*rows);
        return true;
      }
    } collect;
    collect.rows = &moved;
    status = target.Run(connection, write.route->sql, params, &collect);
    target.Check(status, shard);
    transaction->BeforeWrite(shard, *connection.get());
    status = target.Run(connection, write.delete_sql, params);
    target.Check(status, shard);
    transaction->Record(shard, write.delete_sql, params);
  }
  std::vector<int> columns = InsertedColumns(write);
  if (write.replays_key_check) ReplayKeyCheck(*write.table, columns, moved, cluster);
  if (HasNullKey(*write.table, columns, moved)) {
    // SQLite refuses NULL for an INTEGER PRIMARY KEY an UPDATE assigns.
    throw SqlError(sqlstate::kDatatypeMismatch, "datatype mismatch");
  }
  auto by_shard = RouteRows(*write.table, columns, moved, cluster);
  target.ApplyOn(*transaction,
                 InsertWork(*write.table, columns, moved, by_shard, cluster.dialect()));
  if (local) local->CommitAll();
  return static_cast<int64_t>(moved.size());
}

int64_t ExecuteUpdateOrDelete(const WritePlan& write, Cluster& cluster, ShardTransaction* user,
                              PooledConnections& pooled, const std::vector<Value>& params,
                              CancelToken& cancel) {
  std::vector<size_t> shards = RouteShards(*write.route, cluster, params);
  std::vector<ShardWork> work;
  for (size_t shard : shards)
    work.push_back({shard, {{write.route->sql, params}}});
  WriteTarget target(cluster, user, pooled, cancel);
  int64_t rows = target.Apply(work);
  // Each shard of a reference table changed its own copy of the same rows.
  if (write.table->distribution == DistributionKind::kReference && !shards.empty()) {
    rows /= static_cast<int64_t>(shards.size());
  }
  return rows;
}

}  // namespace

int64_t ExecuteWrite(const DistributedPlan& plan, Cluster& cluster,
                     ShardTransaction* user_transaction, PooledConnections& pooled,
                     const std::vector<Value>& params, const ExecSettings& settings,
                     CancelToken& cancel) {
  const WritePlan& write = *plan.write;
  switch (write.kind) {
    case WriteKind::kInsert:
      return ExecuteInsert(write, cluster, user_transaction, pooled, params, settings, cancel);
    case WriteKind::kMoveRows:
      return MoveRows(write, cluster, user_transaction, pooled, params, cancel);
    case WriteKind::kUpdate:
    case WriteKind::kDelete:
      return ExecuteUpdateOrDelete(write, cluster, user_transaction, pooled, params, cancel);
  }
  throw SqlError(sqlstate::kInternalError, "internal error: unknown write");
}

}  // namespace shardql
