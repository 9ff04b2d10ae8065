#include "backends/sqlite_backend.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <list>
#include <unordered_map>

#include "backends/sqlite_values.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

constexpr size_t kStatementCacheSize = 128;

// SQLite counts every allocation under one process-wide mutex unless told not to: with shards
// scanning on several threads that lock becomes the bottleneck. Must run before SQLite starts.
const bool kSqliteConfigured = [] {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  return true;
}();

constexpr const char* kNegativeSubstringLength = "negative substring length not allowed";

// shardql_substring_length(n): n, or PostgreSQL's error for a negative substring length, which
// SQLite's substr would read as characters before the start (SqliteRenderer::Substring).
void SubstringLength(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  if (sqlite3_value_int64(argv[0]) < 0)
    return sqlite3_result_error(ctx, kNegativeSubstringLength, -1);
  sqlite3_result_value(ctx, argv[0]);
}

void AppendColumn(sqlite3_stmt* stmt, int i, std::vector<Value>& out) {
  out.push_back(SqliteColumnValue(stmt, i));
}

class SqliteCursor : public RowCursor {
 public:
  // `owned` statements (not from the cache) are finalized with the cursor.
  SqliteCursor(sqlite3* db, sqlite3_stmt* stmt, bool owned, std::vector<Value> params)
      : db_(db), stmt_(stmt), owned_(owned), params_(std::move(params)) {
    BindSqliteParams(stmt_, params_);
    width_ = static_cast<size_t>(sqlite3_column_count(stmt_));
  }
  ~SqliteCursor() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (owned_) sqlite3_finalize(stmt_);
  }

  bool Next(RowBatch& out, size_t max_rows, BackendStatus& status) override {
    out.clear();
    out.width = width_;
    while (!done_ && out.row_count < max_rows) {
      int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_ROW) {
        for (size_t c = 0; c < width_; ++c)
          AppendColumn(stmt_, static_cast<int>(c), out.values);
        ++out.row_count;
        continue;
      }
      done_ = true;
      if (rc != SQLITE_DONE) {
        std::string message = sqlite3_errmsg(db_);
        status = BackendStatus::Error(SqliteErrorToSqlstate(sqlite3_extended_errcode(db_), message),
                                      message);
        return false;
      }
    }
    return out.row_count > 0;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool owned_;
  std::vector<Value> params_;  // bound with SQLITE_STATIC: they live as long as the cursor
  size_t width_ = 0;
  bool done_ = false;
};

class SqliteConnection : public BackendConnection {
 public:
  // `check_moved`: a shard's file (not the merge engine's temporary one, which SQLite unlinks as
  // it creates it).
  SqliteConnection(sqlite3* db, bool check_moved) : db_(db), check_moved_(check_moved) {
    // sqlite3_interrupt alone is forgotten when it comes before a statement's first step; the
    // progress handler asks the flag every few thousand instructions, whenever it was raised.
    sqlite3_progress_handler(db_, kProgressInstructions, &SqliteConnection::Progress, this);
  }
  ~SqliteConnection() override {
    for (auto& [sql, entry] : cache_)
      sqlite3_finalize(entry.stmt);
    sqlite3_close(db_);
  }

  BackendStatus Execute(const std::string& sql, const std::vector<Value>& params, RowSink* sink,
                        size_t batch_rows) override {
    const char* tail = nullptr;
    sqlite3_stmt* stmt = Prepare(sql, &tail);
    if (!stmt) {
      // Empty text, or an error.
      int code = sqlite3_extended_errcode(db_);
      if (code == SQLITE_OK) return BackendStatus{};
      return Error();
    }
    bool cached = tail == nullptr || *tail == '\0';
    BackendStatus status = Run(stmt, params, sink, batch_rows);
    if (!cached) {
      // Several statements in one text (DDL scripts): the rest run one by one, uncached.
      sqlite3_finalize(stmt);
      std::string rest = tail ? tail : "";
      while (status.ok && !rest.empty()) {
        sqlite3_stmt* next = nullptr;
        const char* next_tail = nullptr;
        if (sqlite3_prepare_v2(db_, rest.c_str(), -1, &next, &next_tail) != SQLITE_OK) {
          return Error();
        }
        if (!next) break;
        status = Run(next, {}, nullptr, batch_rows);
        sqlite3_finalize(next);
        rest = next_tail ? next_tail : "";
      }
    }
    return status;
  }

  std::unique_ptr<RowCursor> Query(const std::string& sql, const std::vector<Value>& params,
                                   BackendStatus& status) override {
    const char* tail = nullptr;
    sqlite3_stmt* stmt = Prepare(sql, &tail);
    if (!stmt) {
      status = sqlite3_extended_errcode(db_) == SQLITE_OK
                   ? BackendStatus::Error(sqlstate::kSyntaxError, "empty statement")
                   : Error();
      return nullptr;
    }
    status = BackendStatus{};
    bool owned = tail != nullptr && *tail != '\0';
    return std::make_unique<SqliteCursor>(db_, stmt, owned, params);
  }

  void Interrupt() override {
    interrupted_ = true;
    sqlite3_interrupt(db_);
  }
  void ClearInterrupt() override { interrupted_ = false; }

  BackendStatus ExecuteForEachRow(const std::string& sql, const RowBatch& rows) override {
    const char* tail = nullptr;
    sqlite3_stmt* stmt = Prepare(sql, &tail);
    if (!stmt) return Error();
    if (tail != nullptr) {
      sqlite3_finalize(stmt);
      return BackendStatus::Error(sqlstate::kSyntaxError, "one statement expected");
    }
    BackendStatus status = CheckNotMoved();
    for (size_t r = 0; r < rows.rows() && status.ok; ++r) {
      for (size_t c = 0; c < rows.width; ++c)
        BindSqliteValue(stmt, static_cast<int>(c) + 1, rows.at(r, c));
      if (sqlite3_step(stmt) != SQLITE_DONE) {
        status = Error();
      } else {
        status.rows_changed += sqlite3_changes64(db_);
      }
      sqlite3_reset(stmt);
    }
    sqlite3_clear_bindings(stmt);
    return status;
  }

  BackendStatus Begin(bool for_write) override {
    prepared_gid_.clear();
    return Execute(for_write ? "BEGIN IMMEDIATE" : "BEGIN", {}, nullptr, 1);
  }
  BackendStatus Commit() override {
    BackendStatus moved = CheckNotMoved();
    if (!moved.ok) {
      Rollback();
      return moved;
    }
    return Execute("COMMIT", {}, nullptr, 1);
  }
  BackendStatus Rollback() override {
    prepared_gid_.clear();
    if (sqlite3_get_autocommit(db_)) return BackendStatus{};
    return Execute("ROLLBACK", {}, nullptr, 1);
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  // SQLite's "prepared" transaction is the open one, held on this connection (backend.h).
  BackendStatus PrepareTransaction(const std::string& gid) override {
    if (!in_transaction()) {
      return BackendStatus::Error(sqlstate::kNoActiveSqlTransaction,
                                  "there is no transaction in progress");
    }
    prepared_gid_ = gid;
    return BackendStatus{};
  }
  BackendStatus CommitPrepared(const std::string& gid) override {
    if (gid.empty() || gid != prepared_gid_) return UnknownGid(gid);
    prepared_gid_.clear();
    return Commit();
  }
  BackendStatus RollbackPrepared(const std::string& gid) override {
    if (gid.empty() || gid != prepared_gid_) return UnknownGid(gid);
    return Rollback();
  }
  bool prepared_transactions_survive_crash() const override { return false; }

 private:
  struct CacheEntry {
    sqlite3_stmt* stmt;
    std::list<std::string>::iterator lru;
  };

  static constexpr int kProgressInstructions = 4096;
  static int Progress(void* self) {
    return static_cast<SqliteConnection*>(self)->interrupted_.load(std::memory_order_relaxed) ? 1
                                                                                              : 0;
  }

  static BackendStatus UnknownGid(const std::string& gid) {
    return BackendStatus::Error(
        sqlstate::kUndefinedObject,
        "prepared transaction with identifier \"" + gid + "\" does not exist");
  }

  BackendStatus Error() const {
    std::string message = sqlite3_errmsg(db_);
    return BackendStatus::Error(SqliteErrorToSqlstate(sqlite3_extended_errcode(db_), message),
                                message);
  }

  // A prepared statement for `sql`: from the cache when the text is one statement.
  sqlite3_stmt* Prepare(const std::string& sql, const char** tail) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      *tail = nullptr;
      return it->second.stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, tail) != SQLITE_OK) {
      return nullptr;
    }
    if (stmt && (*tail == nullptr || **tail == '\0')) {
      lru_.push_front(sql);
      cache_[sql] = {stmt, lru_.begin()};
      if (cache_.size() > kStatementCacheSize) {
        auto victim = cache_.find(lru_.back());
        sqlite3_finalize(victim->second.stmt);
        cache_.erase(victim);
        lru_.pop_back();
      }
      *tail = nullptr;
    }
    return stmt;
  }

  // A file removed or replaced under an open connection keeps taking writes into the unlinked
  // inode, where they are lost: writes check first (a stat of the path).
  BackendStatus CheckNotMoved() const {
    if (!check_moved_) return BackendStatus{};
    int moved = 0;
    if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved) {
      const char* file = sqlite3_db_filename(db_, "main");
      return BackendStatus::Error(
          sqlstate::kIoError,
          fmt::format("shard file \"{}\" was removed or replaced while the router was running",
                      file ? file : ""));
    }
    return BackendStatus{};
  }

  BackendStatus Run(sqlite3_stmt* stmt, const std::vector<Value>& params, RowSink* sink,
                    size_t batch_rows) {
    // Inside a transaction, COMMIT checks once for all its writes.
    if (!sqlite3_stmt_readonly(stmt) && sqlite3_get_autocommit(db_)) {
      BackendStatus moved = CheckNotMoved();
      if (!moved.ok) return moved;
    }
    BindSqliteParams(stmt, params);
    RowBatch batch;
    batch.width = static_cast<size_t>(sqlite3_column_count(stmt));
    batch.values.reserve(batch.width * std::min<size_t>(batch_rows, 1024));
    BackendStatus status;
    bool stopped = false;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        for (size_t c = 0; c < batch.width; ++c)
          AppendColumn(stmt, static_cast<int>(c), batch.values);
        ++batch.row_count;
        if (batch.row_count >= batch_rows) {
          if (sink && !sink->Consume(batch)) {
            stopped = true;
            break;
          }
          batch.clear();
        }
        continue;
      }
      if (rc != SQLITE_DONE) status = Error();
      break;
    }
    if (status.ok && !stopped && batch.row_count > 0 && sink) sink->Consume(batch);
    status.rows_changed = status.ok ? sqlite3_changes64(db_) : 0;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return status;
  }

  sqlite3* db_;
  bool check_moved_;
  std::atomic<bool> interrupted_{false};
  std::string prepared_gid_;  // the open transaction, once PrepareTransaction named it
  std::unordered_map<std::string, CacheEntry> cache_;
  std::list<std::string> lru_;
};

}  // namespace

std::string SqliteErrorToSqlstate(int code, const std::string& message) {
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return sqlstate::kUniqueViolation;
    case SQLITE_CONSTRAINT_NOTNULL:
      return sqlstate::kNotNullViolation;
    case SQLITE_CONSTRAINT_CHECK:
      return "23514";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "23503";
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return sqlstate::kIntegrityConstraintViolation;
    case SQLITE_INTERRUPT:
      return sqlstate::kQueryCanceled;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "55P03";
    case SQLITE_NOMEM:
      return "53200";
    case SQLITE_FULL:
      return "53100";
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
      return sqlstate::kIoError;
    case SQLITE_TOOBIG:
      return sqlstate::kProgramLimitExceeded;
    case SQLITE_MISMATCH:
      return sqlstate::kDatatypeMismatch;
    default:
      break;
  }
  auto has = [&](const char* s) { return message.find(s) != std::string::npos; };
  if (has("no such table")) return sqlstate::kUndefinedTable;
  if (has(kNegativeSubstringLength)) return "22011";
  if (has("no such column")) return sqlstate::kUndefinedColumn;
  if (has("no such function")) return sqlstate::kUndefinedFunction;
  if (has("integer overflow")) return sqlstate::kNumericValueOutOfRange;
  if (has("syntax error")) return sqlstate::kSyntaxError;
  if (has("already exists")) return sqlstate::kDuplicateTable;
  if (has("wrong number of arguments")) return sqlstate::kUndefinedFunction;
  if (has("misuse of aggregate") || has("must appear in the GROUP BY"))
    return sqlstate::kGroupingError;
  if (has("columns") && has("sub-select")) return sqlstate::kSyntaxError;
  return sqlstate::kInternalError;
}

SqliteBackend::SqliteBackend(std::string shard_name, std::string path)
    : shard_name_(std::move(shard_name)), path_(std::move(path)) {
  // One file, one spelling: two configured paths to it must be seen as the same shard file.
  std::error_code ignored;
  if (!path_.empty()) {
    std::filesystem::path canonical = std::filesystem::weakly_canonical(path_, ignored);
    if (!canonical.empty()) path_ = canonical.string();
  }
}

std::unique_ptr<SqliteBackend> SqliteBackend::MergeDatabase(int64_t memory_limit_kb) {
  // An empty file name is SQLite's private temporary database.
  auto backend = std::make_unique<SqliteBackend>("merge engine", "");
  backend->pragmas_ = fmt::format(
      "PRAGMA cache_size = -{}; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
      "PRAGMA temp_store = FILE;",
      std::max<int64_t>(memory_limit_kb, 1024));
  return backend;
}

namespace {

struct TextSink : RowSink {
  std::vector<std::string> values;
  bool Consume(RowBatch& batch) override {
    for (const Value& v : batch.values)
      values.push_back(v.is_null() ? "" : std::string(v.text()));
    return true;
  }
};

}  // namespace

BackendStatus SqliteBackend::Attach(const ShardIdentity& identity, bool holds_tables) {
  if (path_.empty()) return BackendStatus{};
  std::filesystem::path file(path_);
  std::error_code error;
  bool exists = std::filesystem::exists(file, error);
  if (holds_tables && !exists) {
    return BackendStatus::Error(
        sqlstate::kConnectionFailure,
        fmt::format("shard file \"{}\" does not exist, but the catalog places tables on this "
                    "shard",
                    path_));
  }
  if (holds_tables && std::filesystem::file_size(file, error) == 0) {
    return BackendStatus::Error(
        sqlstate::kConnectionFailure,
        fmt::format("shard file \"{}\" is empty, but the catalog places tables on this shard",
                    path_));
  }
  if (!exists && !file.parent_path().empty()) {
    // A new cluster's files may live in folders that do not exist yet; an unusable folder is
    // reported when the file is opened.
    std::filesystem::create_directories(file.parent_path(), error);
  }
  BackendStatus status;
  std::unique_ptr<BackendConnection> connection = Connect(status);
  if (!connection) return status;
  // The shard's own records: who it is, and the markers of transactions that committed their part
  // here (executor/recovery.h).
  status = connection->Execute(
      "CREATE TABLE IF NOT EXISTS shardql_shard (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS shardql_applied (gid TEXT PRIMARY KEY)",
      {}, nullptr);
  if (!status.ok) return status;
  TextSink recorded;
  status = connection->Execute(
      "SELECT coalesce((SELECT value FROM shardql_shard WHERE key = 'cluster_id'), ''), "
      "coalesce((SELECT value FROM shardql_shard WHERE key = 'shard_name'), ''), "
      "(SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'shardql%' AND "
      "name NOT LIKE 'sqlite%')",
      {}, &recorded);
  if (!status.ok) return status;
  const std::string& cluster = recorded.values.at(0);
  const std::string& name = recorded.values.at(1);
  bool has_tables = recorded.values.at(2) != "0";
  if (!cluster.empty() && cluster != identity.cluster_id) {
    return BackendStatus::Error(
        sqlstate::kConfigFileError,
        fmt::format("shard file \"{}\" belongs to another cluster (its shard \"{}\"), not to "
                    "this one",
                    path_, name));
  }
  if (!name.empty() && name != identity.shard_name) {
    return BackendStatus::Error(
        sqlstate::kConfigFileError,
        fmt::format("shard file \"{}\" is shard \"{}\" of this cluster, not shard \"{}\": "
                    "were the files swapped?",
                    path_, name, identity.shard_name));
  }
  if (cluster.empty()) {
    if (holds_tables && !has_tables) {
      return BackendStatus::Error(
          sqlstate::kConnectionFailure,
          fmt::format("shard file \"{}\" holds no tables, but the catalog places tables on this "
                      "shard",
                      path_));
    }
    // First use (or a shard from before identities were recorded): it records who it is.
    status = connection->Execute(
        "INSERT OR REPLACE INTO shardql_shard VALUES ('cluster_id', ?1), ('shard_name', ?2)",
        {Value::Text(identity.cluster_id), Value::Text(identity.shard_name)}, nullptr);
    if (!status.ok) return status;
  }
  return BackendStatus{};
}

std::unique_ptr<BackendConnection> SqliteBackend::Connect(BackendStatus& status) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path_.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    status = BackendStatus::Error(sqlstate::kConnectionFailure,
                                  "could not open \"" + path_ + "\": " + message);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10000);
  // Shards: WAL lets readers on other connections run while one writes; NORMAL sync is WAL's
  // usual pairing (a power loss can lose the last commits, never corrupt the file).
  char* error = nullptr;
  if (sqlite3_exec(db, pragmas_.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db);
    status = BackendStatus::Error(sqlstate::kConnectionFailure,
                                  "could not open \"" + path_ + "\": " + message);
    return nullptr;
  }
  sqlite3_create_function(db, "shardql_substring_length", 1,
                          SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                          SubstringLength, nullptr, nullptr);
  status = BackendStatus{};
  return std::make_unique<SqliteConnection>(db, !path_.empty());
}

}  // namespace shardql
