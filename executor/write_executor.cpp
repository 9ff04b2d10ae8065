#include "executor/write_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "executor/merge_engine.h"
#include "executor/row_stream.h"
#include "grammar/sql_error.h"
#include "planner/distributor.h"
#include "planner/hash_ring.h"
#include "planner/plan_printer.h"
#include "planner/shard_pruning.h"

namespace shardql {
namespace {

using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

// One shard's statements, run in order.
struct ShardWork {
  size_t shard = 0;  // cluster index
  std::vector<std::pair<std::string, std::vector<Value>>> statements;
};

// Where write statements run: the user's transaction, or a transaction of their own when they
// touch several shards (or run several statements on one), or plain autocommit.
class WriteTarget {
 public:
  WriteTarget(Cluster& cluster, ShardTransaction* user, PooledConnections& pooled)
      : cluster_(cluster), user_(user), pooled_(pooled) {}

  int64_t Apply(const std::vector<ShardWork>& work) {
    size_t statements = 0;
    for (const ShardWork& w : work)
      statements += w.statements.size();
    if (statements == 0) return 0;
    if (user_) return ApplyOn(*user_, work);
    if (work.size() == 1 && statements == 1) {
      const ShardWork& w = work[0];
      BackendStatus status;
      BackendConnection* connection = pooled_.Acquire(w.shard, status);
      if (connection) {
        status = connection->Execute(w.statements[0].first, w.statements[0].second, nullptr);
        pooled_.Release(w.shard, connection);
      }
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
      BackendConnection* connection = transaction.Acquire(w.shard, status);
      Check(status, w.shard);
      for (const auto& [sql, values] : w.statements) {
        status = connection->Execute(sql, values, nullptr);
        Check(status, w.shard);
        rows += status.rows_changed;
      }
    }
    return rows;
  }

  void Check(const BackendStatus& status, size_t shard) const {
    if (status.ok) return;
    throw ShardError(status, cluster_.shard(shard).name);
  }

 private:
  Cluster& cluster_;
  ShardTransaction* user_;
  PooledConnections& pooled_;
};

// Rows to insert, as the target table's columns `columns` (indexes into the table, or
// plan::kRowidColumn for the rowid).
struct InsertRows {
  std::vector<int> columns;
  std::vector<std::vector<Value>> rows;
};

bool IsValueCell(const Expr& e) {
  return e.kind == ExprKind::kConstant || e.kind == ExprKind::kParam;
}

// VALUES rows of constants and parameters: read without an engine.
bool IsLiteralRows(const PlanNode& source) {
  if (source.kind != NodeKind::kValues) return false;
  const auto& rows = source.Cast<plan::ValuesNode>().rows;
  return std::all_of(rows.begin(), rows.end(), [](const auto& row) {
    return std::all_of(row.begin(), row.end(), [](const auto& e) { return IsValueCell(*e); });
  });
}

// The table an UPDATE or DELETE writes.
const TableInfo& TargetTable(const plan::LogicalPlan& plan) {
  return plan.root->kind == NodeKind::kUpdate ? *plan.root->Cast<plan::UpdateNode>().table
                                              : *plan.root->Cast<plan::DeleteNode>().table;
}

// Whether an UPDATE assigns a hash-distributed table's shard key (its rows may move).
bool AssignsShardKey(const plan::LogicalPlan& plan, const TableInfo& table) {
  if (plan.root->kind != NodeKind::kUpdate || table.distribution != DistributionKind::kHash) {
    return false;
  }
  const auto& assignments = plan.root->Cast<plan::UpdateNode>().assignments;
  return std::any_of(assignments.begin(), assignments.end(),
                     [&](const plan::Assignment& a) { return a.column == table.shard_key; });
}

// Runs a query plan (an INSERT's SELECT or VALUES with expressions) and collects its rows.
std::vector<std::vector<Value>> CollectRows(const plan::LogicalPlan& query, Cluster& cluster,
                                            ConnectionProvider& connections,
                                            const std::vector<Value>& params,
                                            const ExecSettings& settings,
                                            const PlannerSettings& planner_settings) {
  DistributedPlan distributed = DistributeQuery(query, cluster.dialect(), planner_settings);
  ExecContext ctx{cluster, connections, params, settings};
  std::unique_ptr<RowStream> stream = OpenMergeTree(*distributed.root, ctx);
  std::vector<std::vector<Value>> rows;
  RowBatch batch;
  while (stream->Next(batch))
    batch.AppendRowsTo(rows);
  return rows;
}

InsertRows SourceRows(const plan::LogicalPlan& plan, const plan::InsertNode& insert,
                      Cluster& cluster, ConnectionProvider& connections,
                      const std::vector<Value>& params, const ExecSettings& settings,
                      const PlannerSettings& planner_settings) {
  InsertRows out;
  out.columns = insert.target_columns;
  const PlanNode& source = *insert.children[0];
  if (insert.target_columns.empty()) {
    out.rows.emplace_back();  // DEFAULT VALUES
    return out;
  }
  if (IsLiteralRows(source)) {
    // The common case: literal rows need no engine to evaluate them.
    for (const auto& row : source.Cast<plan::ValuesNode>().rows) {
      std::vector<Value> cells;
      for (const auto& e : row) {
        if (e->kind == ExprKind::kParam) {
          cells.push_back(e->param_index <= params.size() ? params[e->param_index - 1]
                                                          : Value::Null());
        } else {
          cells.push_back(e->value);
        }
      }
      out.rows.push_back(std::move(cells));
    }
    return out;
  }
  plan::LogicalPlan query;
  query.root = source.Clone();
  query.columns = plan.columns;
  query.param_count = plan.param_count;
  out.rows = CollectRows(query, cluster, connections, params, settings, planner_settings);
  return out;
}

// A column's DEFAULT for `count` rows, computed by the backend's own engine in one statement: a
// volatile default such as random() gets a value per row, as in one database.
std::vector<Value> EvaluateDefaults(const ColumnInfo& column, size_t count,
                                    const ExecSettings& settings) {
  if (column.default_sql.empty() || count == 0) return std::vector<Value>(count, Value::Null());
  MergeEngine engine(settings.merge_memory_limit_kb);
  std::unique_ptr<RowStream> rows = engine.Query(
      fmt::format("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
                  "SELECT {} FROM n",
                  count, column.default_sql),
      {}, count);
  std::vector<Value> out;
  RowBatch batch;
  while (rows->Next(batch))
    out.insert(out.end(), batch.values.begin(), batch.values.end());
  return out;
}

// Batched INSERT statements for rows already assigned to shards.
std::vector<ShardWork> InsertWork(const TableInfo& table, const InsertRows& rows,
                                  const std::map<size_t, std::vector<size_t>>& rows_by_shard,
                                  const Dialect& dialect) {
  std::vector<ShardWork> work;
  size_t width = rows.columns.size();
  std::string head = "INSERT INTO " + dialect.QuoteIdentifier(table.name);
  if (width == 0) {
    for (const auto& [shard, indexes] : rows_by_shard) {
      ShardWork w;
      w.shard = shard;
      for (size_t i = 0; i < indexes.size(); ++i)
        w.statements.push_back({head + " DEFAULT VALUES", {}});
      work.push_back(std::move(w));
    }
    return work;
  }
  head += " (";
  for (size_t c = 0; c < width; ++c) {
    int column = rows.columns[c];
    head += (c ? ", " : "") + (column == plan::kRowidColumn
                                   ? std::string("rowid")
                                   : dialect.QuoteIdentifier(table.columns[column].name));
  }
  head += ") VALUES ";
  // SQLite binds at most 32766 values per statement.
  size_t per_statement = std::max<size_t>(1, std::min<size_t>(500, 32000 / width));
  for (const auto& [shard, indexes] : rows_by_shard) {
    ShardWork w;
    w.shard = shard;
    for (size_t start = 0; start < indexes.size(); start += per_statement) {
      size_t end = std::min(indexes.size(), start + per_statement);
      std::string sql = head;
      std::vector<Value> values;
      values.reserve((end - start) * width);
      uint32_t n = 0;
      for (size_t i = start; i < end; ++i) {
        sql += i > start ? ", (" : "(";
        for (size_t c = 0; c < width; ++c) {
          sql += (c ? ", " : "") + dialect.Placeholder(++n);
          values.push_back(rows.rows[indexes[i]][c]);
        }
        sql += ")";
      }
      w.statements.push_back({std::move(sql), std::move(values)});
    }
    work.push_back(std::move(w));
  }
  return work;
}

// Assigns each row to the shards that store it: its key's owner, or every shard of a reference
// table. Adds the shard key's DEFAULT when the INSERT leaves the key out.
std::map<size_t, std::vector<size_t>> RouteRows(const TableInfo& table, InsertRows& rows,
                                                Cluster& cluster, const ExecSettings& settings) {
  std::map<size_t, std::vector<size_t>> by_shard;
  if (table.distribution == DistributionKind::kReference) {
    for (const std::string& name : table.shards()) {
      auto& list = by_shard[cluster.ShardIndex(name)];
      for (size_t r = 0; r < rows.rows.size(); ++r)
        list.push_back(r);
    }
    return by_shard;
  }
  const ColumnInfo& key = table.shard_key_column();
  auto it = std::find(rows.columns.begin(), rows.columns.end(), table.shard_key);
  size_t key_pos;
  if (it == rows.columns.end()) {
    if (key.rowid_alias) {
      SqlError error(sqlstate::kFeatureNotSupported,
                     fmt::format("INSERT into \"{}\" must give a value for its shard key \"{}\"",
                                 table.name, key.name));
      error.detail =
          "The shard key is an INTEGER PRIMARY KEY: each shard would number rows on "
          "its own, so the numbers would repeat across shards.";
      throw error;
    }
    std::vector<Value> defaults = EvaluateDefaults(key, rows.rows.size(), settings);
    rows.columns.push_back(table.shard_key);
    for (size_t r = 0; r < rows.rows.size(); ++r)
      rows.rows[r].push_back(std::move(defaults[r]));
    key_pos = rows.columns.size() - 1;
  } else {
    key_pos = static_cast<size_t>(it - rows.columns.begin());
  }
  const Dialect& dialect = cluster.dialect();
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    uint32_t shard = ShardIndexOfKey(rows.rows[r][key_pos], table, dialect);
    by_shard[cluster.ShardIndex(table.shards()[shard])].push_back(r);
  }
  return by_shard;
}

// Whether the router numbers the table's rows: a hash-distributed table whose shard key is not
// its INTEGER PRIMARY KEY (that one is the rowid already).
bool RouterNumbersRows(const TableInfo& table) {
  return table.distribution == DistributionKind::kHash && !table.shard_key_column().rowid_alias;
}

void AddRowids(const TableInfo& table, InsertRows& rows, Cluster& cluster) {
  if (!RouterNumbersRows(table) || rows.rows.empty()) return;
  int64_t next = cluster.rowids().Reserve(table, rows.rows.size(), cluster);
  rows.columns.push_back(plan::kRowidColumn);
  for (auto& row : rows.rows)
    row.push_back(Value::Integer(next++));
}

int64_t ExecuteInsert(const plan::LogicalPlan& plan, Cluster& cluster, ShardTransaction* user,
                      PooledConnections& pooled, const std::vector<Value>& params,
                      const ExecSettings& settings, const PlannerSettings& planner_settings) {
  const auto& insert = plan.root->Cast<plan::InsertNode>();
  const TableInfo& table = *insert.table;
  ConnectionProvider& reads = user ? static_cast<ConnectionProvider&>(*user) : pooled;
  InsertRows rows = SourceRows(plan, insert, cluster, reads, params, settings, planner_settings);
  AddRowids(table, rows, cluster);
  std::map<size_t, std::vector<size_t>> by_shard = RouteRows(table, rows, cluster, settings);
  std::vector<ShardWork> work = InsertWork(table, rows, by_shard, cluster.dialect());
  WriteTarget target(cluster, user, pooled);
  target.Apply(work);
  // A reference table gets every row on every shard; the statement inserted each once.
  return static_cast<int64_t>(rows.rows.size());
}

const plan::ScanNode& TargetScan(const PlanNode& child) {
  const PlanNode* node = &child;
  while (node->kind != NodeKind::kScan)
    node = node->children[0].get();
  return node->Cast<plan::ScanNode>();
}

// The shards an UPDATE / DELETE must run on, and why.
std::vector<size_t> WriteShards(const plan::LogicalPlan& plan, const TableInfo& table,
                                Cluster& cluster, const std::vector<Value>& params,
                                std::string* reason) {
  std::vector<size_t> out;
  if (table.distribution == DistributionKind::kReference) {
    for (const std::string& name : table.shards())
      out.push_back(cluster.ShardIndex(name));
    if (reason) *reason = "reference table: every shard holds a copy";
    return out;
  }
  const plan::ScanNode& scan = TargetScan(*plan.root->children[0]);
  ShardChoice choice = ChooseShardsForScan(plan, scan, cluster.dialect(), reason);
  Route route;
  route.ring = table.ring;
  route.ring_shards = table.shards();
  route.choice = choice;
  PooledConnections unused(cluster);
  ExecSettings settings;
  ExecContext ctx{cluster, unused, params, settings};
  for (const ResolvedShard& s : ResolveRoute(route, ctx))
    out.push_back(s.cluster_shard);
  return out;
}

// A subquery in an UPDATE / DELETE runs on each target shard, so it may read only data every
// target shard has: reference tables, or distributed rows pinned to that one shard.
void CheckWriteSubqueries(const plan::LogicalPlan& plan, const TableInfo& table,
                          const std::vector<size_t>& shards, Cluster& cluster) {
  bool reads_distributed = false;
  for (const Expr* e : NodeExpressions(*plan.root))
    reads_distributed |= plan::SubqueryReadsDistributed(*e);
  for (const PlanNode* node = plan.root->children[0].get(); node->kind == NodeKind::kFilter;
       node = node->children[0].get()) {
    reads_distributed |= plan::SubqueryReadsDistributed(*node->Cast<plan::FilterNode>().predicate);
  }
  if (!reads_distributed) return;
  // Allowed when the whole statement, subqueries included, is pinned to one shard.
  plan::LogicalPlan as_query;
  as_query.root = plan.root->children[0]->Clone();
  as_query.columns = plan.columns;
  DistributedPlan routed = DistributeQuery(as_query, cluster.dialect());
  bool single = routed.root->kind == MergeKind::kRoute &&
                routed.root->route->variant == RouteVariant::kSingleShard && shards.size() <= 1 &&
                table.distribution == DistributionKind::kHash;
  if (!single) {
    SqlError error(sqlstate::kFeatureNotSupported,
                   fmt::format("{} with a subquery over a distributed table is not supported "
                               "unless every table it reads is pinned to one shard",
                               plan.root->kind == NodeKind::kUpdate ? "UPDATE" : "DELETE"));
    error.hint = "Restrict the statement to one shard key value, or use a reference table.";
    throw error;
  }
}

int64_t ExecuteUpdateOrDelete(const plan::LogicalPlan& plan, Cluster& cluster,
                              ShardTransaction* user, PooledConnections& pooled,
                              const std::vector<Value>& params, const ExecSettings& settings);

// The two statements an UPDATE of the shard key runs on each shard: one reads the rows as they
// will be (with their rowids), the other deletes them.
struct MoveStatements {
  std::string select_sql;
  std::string delete_sql;
};

MoveStatements BuildMoveStatements(const plan::LogicalPlan& plan, const Dialect& dialect) {
  const auto& update = plan.root->Cast<plan::UpdateNode>();
  const TableInfo& table = *update.table;
  const plan::ScanNode& scan = TargetScan(*update.children[0]);
  // SELECT <the new row> FROM t WHERE <same filter>, then DELETE FROM t WHERE <same filter>.
  plan::ColumnTable columns = plan.columns;
  auto project = std::make_unique<plan::ProjectNode>();
  for (size_t j = 0; j < table.columns.size(); ++j) {
    plan::ExprPtr value;
    for (const plan::Assignment& a : update.assignments) {
      if (a.column == static_cast<int>(j)) value = a.value->Clone();
    }
    if (!value) {
      plan::ColumnId id = scan.outputs[j];
      value = plan::MakeColumn(id, columns[id].type);
    }
    project->exprs.push_back(std::move(value));
    project->outputs.push_back(columns.Add({table.columns[j].name, "", ExprType{}}));
  }
  // A moved row keeps its rowid, as an updated row keeps it in one database.
  plan::PlanPtr source = update.children[0]->Clone();
  if (RouterNumbersRows(table)) {
    plan::ColumnId rowid = columns.Add({"rowid", table.name, ExprType{}});
    plan::PlanNode* node = source.get();
    while (node->kind != NodeKind::kScan) {
      node->outputs.push_back(rowid);
      node = node->children[0].get();
    }
    node->Cast<plan::ScanNode>().column_indexes.push_back(plan::kRowidColumn);
    node->outputs.push_back(rowid);
    project->exprs.push_back(plan::MakeColumn(rowid, ExprType{}));
    project->outputs.push_back(columns.Add({"rowid", "", ExprType{}}));
  }
  project->children.push_back(std::move(source));
  MoveStatements out;
  out.select_sql = dialect.RenderPlan(*project, columns);
  plan::DeleteNode del;
  del.table = update.table;
  del.children.push_back(update.children[0]->Clone());
  out.delete_sql = dialect.RenderPlan(del, columns);
  return out;
}

// UPDATE of the shard key: each row moves to the shard its new key belongs to.
int64_t MoveRows(const plan::LogicalPlan& plan, Cluster& cluster, ShardTransaction* user,
                 PooledConnections& pooled, const std::vector<size_t>& shards,
                 const std::vector<Value>& params) {
  const TableInfo& table = *plan.root->Cast<plan::UpdateNode>().table;
  const Dialect& dialect = cluster.dialect();
  auto [select_sql, delete_sql] = BuildMoveStatements(plan, dialect);

  std::unique_ptr<ShardTransaction> local;
  ShardTransaction* transaction = user;
  if (!transaction) {
    local = std::make_unique<ShardTransaction>(cluster, true);
    transaction = local.get();
  }
  WriteTarget target(cluster, transaction, pooled);
  InsertRows moved;
  for (size_t j = 0; j < table.columns.size(); ++j)
    moved.columns.push_back(static_cast<int>(j));
  if (RouterNumbersRows(table)) moved.columns.push_back(plan::kRowidColumn);
  for (size_t shard : shards) {
    BackendStatus status;
    BackendConnection* connection = transaction->Acquire(shard, status);
    target.Check(status, shard);
    struct Collect : RowSink {
      InsertRows* rows;
      bool Consume(RowBatch& batch) override {
        batch.AppendRowsTo(rows->rows);
        return true;
      }
    } collect;
    collect.rows = &moved;
    status = connection->Execute(select_sql, params, &collect);
    target.Check(status, shard);
    status = connection->Execute(delete_sql, params, nullptr);
    target.Check(status, shard);
  }
  ExecSettings settings;
  std::map<size_t, std::vector<size_t>> by_shard = RouteRows(table, moved, cluster, settings);
  target.ApplyOn(*transaction, InsertWork(table, moved, by_shard, dialect));
  if (local) local->CommitAll();
  return static_cast<int64_t>(moved.rows.size());
}

int64_t ExecuteUpdateOrDelete(const plan::LogicalPlan& plan, Cluster& cluster,
                              ShardTransaction* user, PooledConnections& pooled,
                              const std::vector<Value>& params, const ExecSettings&) {
  const TableInfo& table = TargetTable(plan);
  std::vector<size_t> shards = WriteShards(plan, table, cluster, params, nullptr);
  CheckWriteSubqueries(plan, table, shards, cluster);
  if (AssignsShardKey(plan, table)) return MoveRows(plan, cluster, user, pooled, shards, params);
  std::string sql = cluster.dialect().RenderPlan(*plan.root, plan.columns);
  std::vector<ShardWork> work;
  for (size_t shard : shards)
    work.push_back({shard, {{sql, params}}});
  WriteTarget target(cluster, user, pooled);
  int64_t rows = target.Apply(work);
  // Each shard of a reference table changed its own copy of the same rows.
  if (table.distribution == DistributionKind::kReference && !shards.empty()) {
    rows /= static_cast<int64_t>(shards.size());
  }
  return rows;
}

}  // namespace

int64_t ExecuteWrite(const plan::LogicalPlan& plan, Cluster& cluster,
                     ShardTransaction* user_transaction, PooledConnections& pooled,
                     const std::vector<Value>& params, const ExecSettings& settings,
                     const PlannerSettings& planner_settings) {
  if (plan.root->kind == NodeKind::kInsert) {
    return ExecuteInsert(plan, cluster, user_transaction, pooled, params, settings,
                         planner_settings);
  }
  return ExecuteUpdateOrDelete(plan, cluster, user_transaction, pooled, params, settings);
}

std::string ExplainWrite(const plan::LogicalPlan& plan, Cluster& cluster,
                         const std::vector<Value>& params) {
  ExplainNode root;
  const Dialect& dialect = cluster.dialect();
  if (plan.root->kind == NodeKind::kInsert) {
    const auto& insert = plan.root->Cast<plan::InsertNode>();
    const TableInfo& table = *insert.table;
    root.title = "Insert into " + table.name;
    if (table.distribution == DistributionKind::kReference) {
      root.details.push_back("every row to every shard (reference table)");
    } else {
      root.details.push_back(
          fmt::format("each row to the shard owning its {} value", table.shard_key_column().name));
    }
    const PlanNode& source = *insert.children[0];
    if (IsLiteralRows(source) && params.size() >= plan.param_count) {
      PooledConnections unused(cluster);
      ExecSettings settings;
      InsertRows rows = SourceRows(plan, insert, cluster, unused, params, settings, {});
      // The rowids the router would number the rows with, as placeholders: EXPLAIN reserves none.
      if (RouterNumbersRows(table)) {
        rows.columns.push_back(plan::kRowidColumn);
        for (auto& row : rows.rows)
          row.push_back(Value::Null());
      }
      auto by_shard = RouteRows(table, rows, cluster, settings);
      for (const ShardWork& w : InsertWork(table, rows, by_shard, dialect)) {
        ExplainNode shard;
        shard.title =
            fmt::format("{}: {} row(s)", cluster.shard(w.shard).name, by_shard[w.shard].size());
        for (const auto& [sql, values] : w.statements)
          shard.details.push_back(sql);
        root.children.push_back(std::move(shard));
      }
    } else {
      ExplainNode source_node;
      source_node.title = "rows from the query:";
      source_node.children.push_back(ExplainPlanNode(source, plan.columns));
      root.children.push_back(std::move(source_node));
    }
    return RenderExplainTree(root);
  }
  const TableInfo& table = TargetTable(plan);
  std::string reason;
  std::vector<size_t> shards = WriteShards(plan, table, cluster, params, &reason);
  root.title =
      fmt::format("{} {}", plan.root->kind == NodeKind::kUpdate ? "Update" : "Delete", table.name);
  root.details.push_back("why: " + reason);
  if (AssignsShardKey(plan, table)) {
    root.details.push_back(
        "assigns the shard key: each shard reads its rows as they will be and "
        "deletes them; the rows are inserted on the shards their new keys "
        "belong to; all in one transaction");
    MoveStatements move = BuildMoveStatements(plan, dialect);
    for (size_t s : shards) {
      root.details.push_back(cluster.shard(s).name + ": " + move.select_sql);
      root.details.push_back(cluster.shard(s).name + ": " + move.delete_sql);
    }
    return RenderExplainTree(root);
  }
  std::string sql = dialect.RenderPlan(*plan.root, plan.columns);
  for (size_t s : shards)
    root.details.push_back(cluster.shard(s).name + ": " + sql);
  return RenderExplainTree(root);
}

}  // namespace shardql
