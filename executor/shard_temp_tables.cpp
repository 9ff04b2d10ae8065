#include "executor/shard_temp_tables.h"

#include <fmt/format.h>

#include "executor/exec_context.h"
#include "executor/row_stream.h"

namespace shardql {

ShardTempTables::ShardTempTables(const Route& route, ExecContext& ctx)
    : dialect_(ctx.cluster.dialect()) {
  for (const ShardTempTable& spec : route.temp_tables) {
    Table table;
    table.spec = &spec;
    std::unique_ptr<RowStream> rows = OpenMergeTree(*spec.source, ctx);
    table.rows.width = rows->width();
    RowBatch batch;
    while (rows->Next(batch)) {
      table.rows.values.insert(table.rows.values.end(),
                               std::make_move_iterator(batch.values.begin()),
                               std::make_move_iterator(batch.values.end()));
      table.rows.row_count += batch.rows();
    }
    tables_.push_back(std::move(table));
  }
}

BackendStatus ShardTempTables::Create(BackendConnection& connection) const {
  // One transaction for the whole load unless the connection is in one already (a transaction
  // the statement belongs to): a commit per row would cost more than the rows.
  bool own_transaction = !connection.in_transaction();
  if (own_transaction) {
    BackendStatus status = connection.Begin(false);
    if (!status.ok) return status;
  }
  BackendStatus status = Load(connection);
  if (own_transaction) {
    if (status.ok) {
      status = connection.Commit();
    } else {
      connection.Rollback();
    }
  }
  return status;
}

BackendStatus ShardTempTables::Load(BackendConnection& connection) const {
  for (const Table& table : tables_) {
    std::string name = dialect_.TempTableName(table.spec->name);
    BackendStatus status = connection.Execute(
        fmt::format("CREATE TABLE {} ({})", name, fmt::join(table.spec->column_definitions, ", ")),
        {}, nullptr);
    if (!status.ok) return status;
    std::string insert = "INSERT INTO " + name + " VALUES (";
    for (size_t i = 0; i < table.rows.width; ++i)
      insert += (i ? ", " : "") + dialect_.Placeholder(static_cast<uint32_t>(i + 1));
    insert += ")";
    status = connection.ExecuteForEachRow(insert, table.rows);
    if (!status.ok) return status;
    for (size_t i = 0; i < table.spec->index_columns.size(); ++i) {
      status =
          connection.Execute(dialect_.RenderTempTableIndex(
                                 table.spec->name, fmt::format("{}_{}", table.spec->name, i + 1),
                                 table.spec->index_columns[i]),
                             {}, nullptr);
      if (!status.ok) return status;
    }
  }
  return BackendStatus{};
}

bool ShardTempTables::Drop(BackendConnection& connection) const {
  bool dropped = true;
  for (const Table& table : tables_) {
    BackendStatus status = connection.Execute(
        "DROP TABLE IF EXISTS " + dialect_.TempTableName(table.spec->name), {}, nullptr);
    dropped = dropped && status.ok;
  }
  return dropped;
}

}  // namespace shardql
