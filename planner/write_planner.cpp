#include "planner/write_planner.h"

#include <fmt/format.h>

#include <algorithm>

#include "grammar/sql_error.h"
#include "planner/distributor.h"
#include "planner/plan_verifier.h"

namespace shardql {
namespace {

using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

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

// Whether the router numbers the table's rows: a hash-distributed table whose shard key is not
// its INTEGER PRIMARY KEY (that one is the rowid already).
bool RouterNumbersRows(const TableInfo& table) {
  return table.distribution == DistributionKind::kHash && !table.shard_key_column().rowid_alias;
}

const plan::ScanNode& TargetScan(const PlanNode& child) {
  const PlanNode* node = &child;
  while (node->kind != NodeKind::kScan)
    node = node->children[0].get();
  return node->Cast<plan::ScanNode>();
}

std::unique_ptr<Route> WriteRoute(const plan::LogicalPlan& plan, const TableInfo& table,
                                  const Dialect& dialect) {
  auto route = std::make_unique<Route>();
  route->ring = table.ring;
  route->ring_shards = table.shards();
  if (table.distribution == DistributionKind::kReference) {
    route->choice.all = true;
    route->variant = RouteVariant::kAllShards;
    route->reason = "reference table: every shard holds a copy";
    return route;
  }
  const plan::ScanNode& scan = TargetScan(*plan.root->children[0]);
  route->choice = ChooseShardsForScan(plan, scan, dialect, &route->reason);
  const ShardChoice& c = route->choice;
  if (c.all) {
    route->variant = RouteVariant::kAllShards;
  } else if (c.key_params.empty()) {
    route->variant = c.fixed.empty()                           ? RouteVariant::kNone
                     : c.fixed.size() == 1                     ? RouteVariant::kSingleShard
                     : c.fixed.size() == table.shards().size() ? RouteVariant::kAllShards
                                                               : RouteVariant::kSomeShards;
  } else {
    route->variant = c.fixed.empty() && c.key_params.size() == 1 ? RouteVariant::kSingleShard
                                                                 : RouteVariant::kSomeShards;
  }
  return route;
}

// A subquery in an UPDATE / DELETE runs on each target shard, so it may read only data every
// target shard has: reference tables, or distributed rows pinned to the one target shard.
void CheckWriteSubqueries(const plan::LogicalPlan& plan, const TableInfo& table, const Route& route,
                          const Dialect& dialect, const std::vector<Value>* values,
                          RoutingGuard& guard) {
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
  DistributedPlan routed = DistributeQuery(as_query, dialect, {}, nullptr, values);
  guard.Merge(routed.guard);
  bool target_single =
      route.variant == RouteVariant::kSingleShard || route.variant == RouteVariant::kNone;
  bool single = routed.root->kind == MergeKind::kRoute &&
                routed.root->route->variant == RouteVariant::kSingleShard && target_single &&
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

// An UPDATE of the shard key: SELECT <the rows as they will be> FROM t WHERE <its filter>, and
// DELETE FROM t WHERE <the same filter>, on every target shard.
void PlanMoves(const plan::LogicalPlan& plan, const Dialect& dialect, WritePlan& write) {
  const auto& update = plan.root->Cast<plan::UpdateNode>();
  const TableInfo& table = *update.table;
  const plan::ScanNode& scan = TargetScan(*update.children[0]);
  plan::ColumnTable columns = plan.columns;
  std::vector<plan::ExprPtr> exprs;
  std::vector<plan::ColumnId> ids;
  for (size_t j = 0; j < table.columns.size(); ++j) {
    plan::ExprPtr value;
    for (const plan::Assignment& a : update.assignments) {
      if (a.column == static_cast<int>(j)) value = a.value->Clone();
    }
    if (!value) value = plan::MakeColumn(scan.outputs[j], columns[scan.outputs[j]].type);
    exprs.push_back(std::move(value));
    ids.push_back(columns.Add({table.columns[j].name, "", ExprType{}}));
    write.insert_columns.push_back(static_cast<int>(j));
  }
  // A moved row keeps its rowid, as an updated row keeps it in one database.
  plan::PlanPtr source = update.children[0]->Clone();
  if (write.router_numbers_rows) {
    plan::ColumnId rowid = columns.Add({"rowid", table.name, ExprType{}});
    plan::PlanNode* node = source.get();
    while (node->kind != NodeKind::kScan) {
      node->outputs.push_back(rowid);
      node = node->children[0].get();
    }
    node->Cast<plan::ScanNode>().column_indexes.push_back(plan::kRowidColumn);
    node->outputs.push_back(rowid);
    exprs.push_back(plan::MakeColumn(rowid, ExprType{}));
    ids.push_back(columns.Add({"rowid", "", ExprType{}}));
    write.insert_columns.push_back(plan::kRowidColumn);
  }
  // One database checks a unique key row by row as it updates, so an UPDATE that moves keys onto
  // keys other rows still hold fails there: the executor replays that check with the old keys.
  const ColumnInfo& key = table.shard_key_column();
  if (key.rowid_alias || key.primary_key || key.unique) {
    plan::ColumnId old_key = scan.outputs[static_cast<size_t>(table.shard_key)];
    exprs.push_back(plan::MakeColumn(old_key, columns[old_key].type));
    ids.push_back(columns.Add({"old key", "", ExprType{}}));
    write.replays_key_check = true;
  }
  auto select = plan::MakeProject(std::move(source), std::move(exprs), std::move(ids));
  plan::VerifyPlanInDebug(*select, columns);
  write.route->sql = dialect.RenderPlan(*select, columns);
  write.route->width = select->outputs.size();
  auto del = plan::MakeDelete(update.table, update.children[0]->Clone());
  write.delete_sql = dialect.RenderPlan(*del, columns);
}

std::unique_ptr<WritePlan> PlanInsert(const plan::LogicalPlan& plan, const Dialect& dialect,
                                      const PlannerSettings& settings, RuleTrace* trace,
                                      const std::vector<Value>* values, RoutingGuard& guard) {
  const auto& insert = plan.root->Cast<plan::InsertNode>();
  auto write = std::make_unique<WritePlan>();
  write->kind = WriteKind::kInsert;
  write->table = insert.table;
  const TableInfo& table = *insert.table;
  write->insert_columns = insert.target_columns;
  write->default_values = insert.target_columns.empty();
  write->router_numbers_rows = RouterNumbersRows(table);
  const PlanNode& source = *insert.children[0];
  if (!write->default_values) {
    if (IsLiteralRows(source)) {
      // The common case: literal rows need no engine to evaluate them.
      for (const auto& row : source.Cast<plan::ValuesNode>().rows) {
        std::vector<plan::ExprPtr> cells;
        for (const auto& e : row)
          cells.push_back(e->Clone());
        write->literal_rows.push_back(std::move(cells));
      }
    } else {
      plan::LogicalPlan query;
      query.root = source.Clone();
      query.columns = plan.columns;
      query.param_count = plan.param_count;
      write->source =
          std::make_unique<DistributedPlan>(DistributeQuery(query, dialect, settings, trace));
    }
  }
  if (table.distribution == DistributionKind::kHash &&
      std::find(write->insert_columns.begin(), write->insert_columns.end(), table.shard_key) ==
          write->insert_columns.end()) {
    const ColumnInfo& key = table.shard_key_column();
    if (key.rowid_alias && key.default_sql.empty()) {
      write->key_numbered = true;
    } else {
      write->key_from_default = true;
    }
  }
  return write;
}

}  // namespace

const char* ToString(WriteKind kind) {
  switch (kind) {
    case WriteKind::kInsert:
      return "insert";
    case WriteKind::kUpdate:
      return "update";
    case WriteKind::kDelete:
      return "delete";
    case WriteKind::kMoveRows:
      return "update moving rows";
  }
  return "?";
}

DistributedPlan DistributeWrite(const plan::LogicalPlan& plan, const Dialect& dialect,
                                const PlannerSettings& settings, RuleTrace* trace,
                                const std::vector<Value>* values) {
  DistributedPlan out;
  out.param_count = plan.param_count;
  out.columns = plan.columns;
  if (plan.root->kind == NodeKind::kInsert) {
    out.write = PlanInsert(plan, dialect, settings, trace, values, out.guard);
    out.strategy = ToString(out.write->kind);
    return out;
  }
  auto write = std::make_unique<WritePlan>();
  bool is_update = plan.root->kind == NodeKind::kUpdate;
  write->table = is_update ? plan.root->Cast<plan::UpdateNode>().table
                           : plan.root->Cast<plan::DeleteNode>().table;
  const TableInfo& table = *write->table;
  write->route = WriteRoute(plan, table, dialect);
  CheckWriteSubqueries(plan, table, *write->route, dialect, values, out.guard);
  bool moves_key = false;
  if (is_update && table.distribution == DistributionKind::kHash) {
    for (const plan::Assignment& a : plan.root->Cast<plan::UpdateNode>().assignments)
      moves_key |= a.column == table.shard_key;
  }
  if (moves_key) {
    write->kind = WriteKind::kMoveRows;
    write->router_numbers_rows = RouterNumbersRows(table);
    PlanMoves(plan, dialect, *write);
  } else {
    write->kind = is_update ? WriteKind::kUpdate : WriteKind::kDelete;
    write->route->sql = dialect.RenderPlan(*plan.root, plan.columns);
  }
  out.strategy = ToString(write->kind);
  out.write = std::move(write);
  return out;
}

std::vector<int> InsertedColumns(const WritePlan& write) {
  std::vector<int> columns = write.insert_columns;
  if (write.kind == WriteKind::kMoveRows) return columns;  // the rows come whole from the shards
  if (write.router_numbers_rows) columns.push_back(plan::kRowidColumn);
  if (write.key_from_default || write.key_numbered) columns.push_back(write.table->shard_key);
  return columns;
}

size_t InsertBatchRows(size_t width) {
  return width == 0 ? 1 : std::max<size_t>(1, std::min<size_t>(500, 32000 / width));
}

std::string InsertSql(const TableInfo& table, const std::vector<int>& columns, size_t rows,
                      const Dialect& dialect) {
  std::string sql = "INSERT INTO " + dialect.QuoteIdentifier(table.name);
  if (columns.empty()) return sql + " DEFAULT VALUES";
  sql += " (";
  for (size_t c = 0; c < columns.size(); ++c) {
    sql += (c ? ", " : "") + (columns[c] == plan::kRowidColumn
                                  ? std::string("rowid")
                                  : dialect.QuoteIdentifier(table.columns[columns[c]].name));
  }
  sql += ") VALUES ";
  uint32_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (size_t c = 0; c < columns.size(); ++c)
      sql += (c ? ", " : "") + dialect.SequentialPlaceholder(++n);
    sql += ")";
  }
  return sql;
}

}  // namespace shardql
