#include "executor/ddl_executor.h"

#include <fmt/format.h>

#include <algorithm>

#include "executor/exec_context.h"
#include "grammar/sql_error.h"
#include "planner/binder.h"
#include "planner/commit_record.h"
#include "planner/ddl.h"

namespace shardql {

std::string UnqualifiedName(const std::vector<std::string>& parts, ast::SourceSpan span) {
  std::vector<std::string> name = parts;
  if (name.size() == 2 && (name[0] == "main" || name[0] == "public")) name.erase(name.begin());
  if (name.size() != 1) {
    throw SqlError(sqlstate::kFeatureNotSupported, "schema-qualified names are not supported",
                   span.begin);
  }
  return name[0];
}

namespace {

// Runs one DDL statement on each named shard inside one transaction over them all, then changes
// the catalog (`change`, given the commit record to write with it) at the moment of decision:
// shards and catalog change together or not at all, whenever this router dies (recovery.h).
void RunOnShards(Cluster& cluster, const std::vector<std::string>& shards, const std::string& sql,
                 const ShardTransaction::Decision& change) {
  ShardTransaction transaction(cluster, true);
  for (const std::string& name : shards) {
    size_t index = cluster.ShardIndex(name);
    BackendStatus status;
    ConnectionLease connection = transaction.Lease(index, status);
    if (!connection) throw ShardError(status, name);
    transaction.BeforeWrite(index, *connection.get());
    status = connection->Execute(sql, {}, nullptr);
    if (!status.ok) throw ShardError(status, name);
    transaction.Record(index, sql, {});
  }
  transaction.CommitAll(change, /*always_record=*/true);
}

std::string CreateTable(const ast::CreateTableStatement& stmt, std::string_view text,
                        Cluster& cluster, DefaultDistribution default_distribution,
                        ResultSink& sink) {
  auto snapshot = cluster.catalog().Snapshot();
  std::string name = UnqualifiedName(stmt.table, stmt.span);
  if (snapshot->FindTable(name) || snapshot->FindView(name) || snapshot->FindIndex(name)) {
    if (stmt.if_not_exists) {
      sink.Notice(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", name));
      return "CREATE TABLE";
    }
    throw SqlError(sqlstate::kDuplicateTable, fmt::format("relation \"{}\" already exists", name),
                   stmt.span.begin);
  }
  std::shared_ptr<TableInfo> table =
      BuildTableInfo(stmt, text, cluster.layout(), default_distribution, cluster.dialect());
  cluster.rowids().Forget(table->name);
  const Dialect& dialect = cluster.dialect();
  RunOnShards(cluster, table->shards(), dialect.RenderCreateTable(*table),
              [&](CommitRecord* record) { cluster.catalog().AddTable(table, record); });
  return "CREATE TABLE";
}

std::string CreateIndex(const ast::CreateIndexStatement& stmt, std::string_view text,
                        Cluster& cluster, ResultSink& sink) {
  auto snapshot = cluster.catalog().Snapshot();
  std::string table_name = UnqualifiedName(stmt.table, stmt.span);
  auto table = snapshot->FindTable(table_name);
  if (!table) {
    throw SqlError(sqlstate::kUndefinedTable,
                   fmt::format("relation \"{}\" does not exist", table_name), stmt.span.begin);
  }
  IndexInfo index = BuildIndexInfo(stmt, text, *table, cluster.dialect());
  if (snapshot->FindTable(index.name) || snapshot->FindView(index.name) ||
      snapshot->FindIndex(index.name)) {
    if (stmt.if_not_exists) {
      sink.Notice(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", index.name));
      return "CREATE INDEX";
    }
    throw SqlError(sqlstate::kDuplicateTable,
                   fmt::format("relation \"{}\" already exists", index.name), stmt.span.begin);
  }
  const Dialect& dialect = cluster.dialect();
  RunOnShards(cluster, table->shards(), dialect.RenderCreateIndex(index),
              [&](CommitRecord* record) { cluster.catalog().AddIndex(index, record); });
  return "CREATE INDEX";
}

std::string CreateView(const ast::CreateViewStatement& stmt, std::string_view text,
                       Cluster& cluster, SessionViews& session_views, ResultSink& sink) {
  auto snapshot = cluster.catalog().Snapshot();
  ViewInfo view = BuildViewInfo(stmt, text);
  bool exists = stmt.temporary ? session_views.count(view.name) > 0
                               : snapshot->FindView(view.name) != nullptr;
  if (exists && stmt.if_not_exists) {
    sink.Notice(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", view.name));
    return "CREATE VIEW";
  }
  if (exists && stmt.temporary && !stmt.or_replace) {
    throw SqlError(sqlstate::kDuplicateTable,
                   fmt::format("relation \"{}\" already exists", view.name), stmt.span.begin);
  }
  // Bind the defining query now, so a view that cannot work is refused when it is created. Only a
  // temporary view may read the session's temporary views: a catalog view outlives them.
  plan::LogicalPlan bound = BindQuery(*stmt.query, text, snapshot, cluster.dialect(),
                                      stmt.temporary ? &session_views : nullptr);
  if (!view.column_names.empty() && view.column_names.size() != bound.output.size()) {
    throw SqlError(sqlstate::kSyntaxError,
                   fmt::format("CREATE VIEW specifies {} column names, but the query returns {}",
                               view.column_names.size(), bound.output.size()),
                   stmt.span.begin);
  }
  if (stmt.temporary) {
    std::string name = view.name;
    session_views[name] = std::move(view);
  } else {
    cluster.catalog().AddView(std::move(view), stmt.or_replace);
  }
  return "CREATE VIEW";
}

std::string Drop(const ast::DropStatement& stmt, Cluster& cluster, SessionViews& session_views,
                 ResultSink& sink) {
  const Dialect& dialect = cluster.dialect();
  for (const auto& parts : stmt.names) {
    auto snapshot = cluster.catalog().Snapshot();
    std::string name = UnqualifiedName(parts, stmt.span);
    switch (stmt.object) {
      case ast::ObjectKind::kTable: {
        auto table = snapshot->FindTable(name);
        if (!table) {
          if (snapshot->FindView(name)) {
            SqlError error(sqlstate::kWrongObjectType, fmt::format("\"{}\" is not a table", name),
                           stmt.span.begin);
            error.hint = "Use DROP VIEW to remove a view.";
            throw error;
          }
          if (stmt.if_exists) {
            sink.Notice(fmt::format("NOTICE:  table \"{}\" does not exist, skipping", name));
            continue;
          }
          throw SqlError(sqlstate::kUndefinedTable,
                         fmt::format("table \"{}\" does not exist", name), stmt.span.begin);
        }
        RunOnShards(cluster, table->shards(), dialect.RenderDropTable(name),
                    [&](CommitRecord* record) { cluster.catalog().DropTable(name, record); });
        cluster.rowids().Forget(name);
        break;
      }
      case ast::ObjectKind::kIndex: {
        const IndexInfo* index = snapshot->FindIndex(name);
        if (!index) {
          if (stmt.if_exists) {
            sink.Notice(fmt::format("NOTICE:  index \"{}\" does not exist, skipping", name));
            continue;
          }
          throw SqlError(sqlstate::kUndefinedObject,
                         fmt::format("index \"{}\" does not exist", name), stmt.span.begin);
        }
        auto table = snapshot->FindTable(index->table);
        auto drop = [&](CommitRecord* record) { cluster.catalog().DropIndex(name, record); };
        if (table) {
          RunOnShards(cluster, table->shards(), dialect.RenderDropIndex(name), drop);
        } else {
          drop(nullptr);
        }
        break;
      }
      case ast::ObjectKind::kView: {
        if (session_views.erase(name)) break;  // a temporary view hides a catalog one
        if (!snapshot->FindView(name)) {
          if (snapshot->FindTable(name)) {
            SqlError error(sqlstate::kWrongObjectType, fmt::format("\"{}\" is not a view", name),
                           stmt.span.begin);
            error.hint = "Use DROP TABLE to remove a table.";
            throw error;
          }
          if (stmt.if_exists) {
            sink.Notice(fmt::format("NOTICE:  view \"{}\" does not exist, skipping", name));
            continue;
          }
          throw SqlError(sqlstate::kUndefinedTable, fmt::format("view \"{}\" does not exist", name),
                         stmt.span.begin);
        }
        cluster.catalog().DropView(name);
        break;
      }
    }
  }
  switch (stmt.object) {
    case ast::ObjectKind::kTable:
      return "DROP TABLE";
    case ast::ObjectKind::kIndex:
      return "DROP INDEX";
    case ast::ObjectKind::kView:
      return "DROP VIEW";
  }
  return "DROP";
}

}  // namespace

std::string ExecuteDdl(const ast::Statement& statement, std::string_view text, Cluster& cluster,
                       DefaultDistribution default_distribution, SessionViews& session_views,
                       ResultSink& sink) {
  switch (statement.kind) {
    case ast::StatementKind::kCreateTable:
      return CreateTable(statement.As<ast::CreateTableStatement>(), text, cluster,
                         default_distribution, sink);
    case ast::StatementKind::kCreateIndex:
      return CreateIndex(statement.As<ast::CreateIndexStatement>(), text, cluster, sink);
    case ast::StatementKind::kCreateView:
      return CreateView(statement.As<ast::CreateViewStatement>(), text, cluster, session_views,
                        sink);
    case ast::StatementKind::kDrop:
      return Drop(statement.As<ast::DropStatement>(), cluster, session_views, sink);
    default:
      throw SqlError(sqlstate::kInternalError, "internal error: not a DDL statement");
  }
}

bool ChangesOnlySessionViews(const ast::Statement& statement, const SessionViews& session_views) {
  if (statement.kind == ast::StatementKind::kCreateView) {
    return statement.As<ast::CreateViewStatement>().temporary;
  }
  if (statement.kind != ast::StatementKind::kDrop) return false;
  const auto& drop = statement.As<ast::DropStatement>();
  return drop.object == ast::ObjectKind::kView &&
         std::all_of(drop.names.begin(), drop.names.end(), [&](const auto& parts) {
           return parts.size() == 1 && session_views.count(parts[0]) > 0;
         });
}

}  // namespace shardql
