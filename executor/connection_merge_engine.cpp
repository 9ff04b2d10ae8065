// The merge engine over a connection to a private database of the cluster's backend kind
// (backends/backend_factory.h): the backend's own connection code does the work, and the
// dialect writes what it runs.

#include <fmt/format.h>

#include "backends/backend_factory.h"
#include "executor/cluster.h"
#include "executor/merge_engine.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

[[noreturn]] void Fail(const BackendStatus& status) {
  throw SqlError(status.sqlstate, status.message);
}

class CursorStream : public RowStream {
 public:
  CursorStream(std::unique_ptr<RowCursor> cursor, size_t width, size_t batch_rows)
      : cursor_(std::move(cursor)), width_(width), batch_rows_(batch_rows) {}
  size_t width() const override { return width_; }
  bool Next(RowBatch& out) override {
    BackendStatus status;
    if (cursor_->Next(out, batch_rows_, status)) return true;
    if (!status.ok) Fail(status);
    return false;
  }

 private:
  std::unique_ptr<RowCursor> cursor_;
  size_t width_;
  size_t batch_rows_;
};

class ConnectionMergeEngine : public MergeEngine {
 public:
  ConnectionMergeEngine(std::unique_ptr<BackendConnection> connection, const Dialect& dialect)
      : connection_(std::move(connection)), dialect_(dialect) {}

  void CreateTable(const std::string& quoted_name,
                   const std::vector<std::string>& columns) override {
    Run(fmt::format("CREATE TABLE {} ({})", quoted_name, fmt::join(columns, ", ")));
  }

  void Load(const std::string& quoted_name, RowStream& rows,
            const std::vector<std::string>& columns) override {
    std::string sql = "INSERT INTO " + quoted_name;
    if (!columns.empty()) sql += fmt::format(" ({})", fmt::join(columns, ", "));
    sql += " VALUES (";
    for (size_t i = 0; i < rows.width(); ++i)
      sql += (i ? ", " : "") + dialect_.Placeholder(static_cast<uint32_t>(i + 1));
    sql += ")";
    Check(connection_->Begin(false));
    try {
      RowBatch batch;
      while (rows.Next(batch))
        Check(connection_->ExecuteForEachRow(sql, batch));
      Check(connection_->Commit());
    } catch (...) {
      connection_->Rollback();
      throw;
    }
  }

  void CreateIndex(const std::string& quoted_table,
                   const std::vector<std::string>& quoted_columns) override {
    std::string name = dialect_.QuoteIdentifier(fmt::format("index_{}", ++indexes_));
    Run(fmt::format("CREATE INDEX {} ON {} ({})", name, quoted_table,
                    fmt::join(quoted_columns, ", ")));
  }

  void Analyze() override { Run(dialect_.AnalyzeSql()); }

  std::unique_ptr<RowStream> Query(const std::string& sql, const std::vector<Value>& params,
                                   size_t width, size_t batch_rows) override {
    BackendStatus status;
    std::unique_ptr<RowCursor> cursor = connection_->Query(sql, params, status);
    if (!cursor) Fail(status);
    return std::make_unique<CursorStream>(std::move(cursor), width, batch_rows);
  }

  void Interrupt() override { connection_->Interrupt(); }

 private:
  static void Check(const BackendStatus& status) {
    if (!status.ok) Fail(status);
  }
  void Run(const std::string& sql) { Check(connection_->Execute(sql, {}, nullptr)); }

  std::unique_ptr<BackendConnection> connection_;
  const Dialect& dialect_;
  int indexes_ = 0;
};

}  // namespace

std::unique_ptr<MergeEngine> OpenMergeEngine(const Cluster& cluster, int64_t memory_limit_kb) {
  BackendStatus status;
  std::unique_ptr<BackendConnection> connection =
      OpenMergeDatabase(cluster.backend_kind(), memory_limit_kb, status);
  if (!connection) {
    throw SqlError(status.sqlstate, "could not open the merge engine: " + status.message);
  }
  return std::make_unique<ConnectionMergeEngine>(std::move(connection), cluster.dialect());
}

std::vector<Value> EvaluateDefaults(const Cluster& cluster, const std::string& default_sql,
                                    size_t count, int64_t memory_limit_kb) {
  if (default_sql.empty() || count == 0) return std::vector<Value>(count, Value::Null());
  std::unique_ptr<MergeEngine> engine = OpenMergeEngine(cluster, memory_limit_kb);
  std::unique_ptr<RowStream> rows =
      engine->Query(cluster.dialect().RenderDefaultRows(default_sql, count), {}, 1, count);
  std::vector<Value> out;
  RowBatch batch;
  while (rows->Next(batch))
    out.insert(out.end(), batch.values.begin(), batch.values.end());
  return out;
}

}  // namespace shardql
