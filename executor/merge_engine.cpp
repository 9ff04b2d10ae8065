#include "executor/merge_engine.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "backends/sqlite_backend.h"
#include "backends/sqlite_values.h"
#include "executor/merge_operators.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

[[noreturn]] void Fail(sqlite3* db) {
  std::string message = sqlite3_errmsg(db);
  throw SqlError(SqliteErrorToSqlstate(sqlite3_extended_errcode(db), message), message);
}

class QueryStream : public RowStream {
 public:
  QueryStream(sqlite3* db, sqlite3_stmt* stmt, size_t batch_rows)
      : db_(db),
        stmt_(stmt),
        batch_rows_(batch_rows),
        width_(static_cast<size_t>(sqlite3_column_count(stmt))) {}
  ~QueryStream() override { sqlite3_finalize(stmt_); }
  size_t width() const override { return width_; }
  bool Next(RowBatch& out) override {
    out.clear();
    out.width = width_;
    while (!done_ && out.row_count < batch_rows_) {
      int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_ROW) {
        for (size_t c = 0; c < width_; ++c)
          out.values.push_back(SqliteColumnValue(stmt_, static_cast<int>(c)));
        ++out.row_count;
      } else if (rc == SQLITE_DONE) {
        done_ = true;
      } else {
        done_ = true;
        Fail(db_);
      }
    }
    return out.row_count > 0;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  size_t batch_rows_;
  size_t width_;
  bool done_ = false;
};

}  // namespace

MergeEngine::MergeEngine(int64_t memory_limit_kb) {
  // An empty file name is a private temporary database: in memory until its cache is full, then
  // on disk, deleted when closed.
  if (sqlite3_open_v2("", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw SqlError(sqlstate::kIoError, "could not open the merge engine: " + message);
  }
  Exec(
      fmt::format("PRAGMA cache_size = -{}; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                  "PRAGMA temp_store = FILE;",
                  std::max<int64_t>(memory_limit_kb, 1024)));
  // As on shard connections: an interrupt is a flag the engine asks for while it works.
  sqlite3_progress_handler(db_, 4096, &MergeEngine::Progress, this);
}

int MergeEngine::Progress(void* self) {
  return static_cast<MergeEngine*>(self)->interrupted_.load(std::memory_order_relaxed) ? 1 : 0;
}

void MergeEngine::Interrupt() {
  interrupted_ = true;
  sqlite3_interrupt(db_);
}

MergeEngine::~MergeEngine() {
  sqlite3_close(db_);
}

void MergeEngine::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw SqlError(SqliteErrorToSqlstate(sqlite3_extended_errcode(db_), message), message);
  }
}

void MergeEngine::CreateTable(const std::string& quoted_name,
                              const std::vector<std::string>& columns) {
  std::string sql = "CREATE TABLE " + quoted_name + " (";
  for (size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + columns[i];
  Exec(sql + ")");
}

void MergeEngine::Load(const std::string& quoted_name, RowStream& rows,
                       const std::vector<std::string>& columns) {
  size_t width = rows.width();
  std::string sql = "INSERT INTO " + quoted_name;
  if (!columns.empty()) {
    sql += " (";
    for (size_t i = 0; i < columns.size(); ++i)
      sql += (i ? ", " : "") + columns[i];
    sql += ")";
  }
  sql += " VALUES (";
  for (size_t i = 0; i < width; ++i)
    sql += i ? ", ?" : "?";
  sql += ")";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) Fail(db_);
  Exec("BEGIN");
  try {
    RowBatch batch;
    while (rows.Next(batch)) {
      for (size_t r = 0; r < batch.rows(); ++r) {
        for (size_t c = 0; c < width; ++c)
          BindSqliteValue(stmt, static_cast<int>(c + 1), batch.at(r, c));
        if (sqlite3_step(stmt) != SQLITE_DONE) Fail(db_);
        sqlite3_reset(stmt);
      }
    }
    sqlite3_finalize(stmt);
    Exec("COMMIT");
  } catch (...) {
    sqlite3_finalize(stmt);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::unique_ptr<RowStream> MergeEngine::Query(const std::string& sql,
                                              const std::vector<Value>& params, size_t batch_rows) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) Fail(db_);
  BindSqliteParams(stmt, params);
  return std::make_unique<QueryStream>(db_, stmt, batch_rows);
}

namespace {

class LocalQueryStream : public RowStream {
 public:
  LocalQueryStream(const MergeNode& node, ExecContext& ctx)
      : cancel_(ctx.cancel), engine_(ctx.settings.merge_memory_limit_kb) {
    interrupt_ = cancel_.Register([this] { engine_.Interrupt(); });
    try {
      Open(node, ctx);
    } catch (const SqlError&) {
      cancel_.ThrowIfCancelled();  // the engine was interrupted: say why
      throw;
    }
  }
  ~LocalQueryStream() override { interrupt_.Reset(); }
  size_t width() const override { return query_->width(); }
  bool Next(RowBatch& out) override {
    try {
      return query_->Next(out);
    } catch (const SqlError&) {
      cancel_.ThrowIfCancelled();
      throw;
    }
  }

 private:
  void Open(const MergeNode& node, ExecContext& ctx) {
    for (const TempTableLoad& load : node.loads) {
      std::string name = ctx.cluster.dialect().QuoteIdentifier(load.table);
      engine_.CreateTable(name, load.column_definitions);
      RouteStream rows(*load.source, ctx, false);
      engine_.Load(name, rows, load.insert_columns);
    }
    if (!node.children.empty()) {
      std::string name = ctx.cluster.dialect().QuoteIdentifier(node.child_table);
      engine_.CreateTable(name, node.child_columns);
      std::unique_ptr<RowStream> rows = OpenMergeTree(*node.children[0], ctx);
      engine_.Load(name, *rows);
    }
    query_ = engine_.Query(node.sql, ctx.params, ctx.settings.batch_rows);
  }

  CancelToken& cancel_;
  MergeEngine engine_;
  CancelToken::Registration interrupt_;
  std::unique_ptr<RowStream> query_;
};

}  // namespace

std::unique_ptr<RowStream> MakeLocalQuery(const MergeNode& node, ExecContext& ctx) {
  return std::make_unique<LocalQueryStream>(node, ctx);
}

}  // namespace shardql
