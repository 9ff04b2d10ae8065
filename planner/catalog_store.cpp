#include "planner/catalog_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <random>

#include "grammar/sql_error.h"
#include "planner/catalog.h"
#include "planner/commit_record.h"
#include "planner/statistics.h"

namespace shardql {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS shardql_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO shardql_info VALUES ('format_version', '1');
INSERT OR IGNORE INTO shardql_info VALUES ('catalog_version', '0');
CREATE TABLE IF NOT EXISTS shardql_tables (
  name TEXT PRIMARY KEY, definition TEXT NOT NULL, shards TEXT NOT NULL, vnodes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shardql_indexes (
  name TEXT PRIMARY KEY, table_name TEXT NOT NULL, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shardql_views (name TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shardql_statistics (
  table_name TEXT PRIMARY KEY, taken_at INTEGER NOT NULL, statistics BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS shardql_counters (name TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shardql_commits (
  id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, gid TEXT NOT NULL, redo BLOB NOT NULL);
)sql";

[[noreturn]] void Fail(sqlite3* db, const std::string& what) {
  throw SqlError(sqlstate::kIoError,
                 "catalog " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// Shard names never contain a newline (the config refuses them), so a newline-joined list is safe.
std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail(db, "query");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail(db_, "write");
    sqlite3_reset(stmt_);
    return false;
  }
  std::string Text(int i) {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, i)) : "";
  }
  int64_t Int(int i) { return sqlite3_column_int64(stmt_, i); }
  std::string Blob(int i) {
    const void* p = sqlite3_column_blob(stmt_, i);
    return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, i)) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

std::string NewClusterId() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}-{:08x}{:08x}", random(), random(), random(), random());
}

std::unique_ptr<CatalogStore> CatalogStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw SqlError(sqlstate::kIoError, "could not open catalog file \"" + path + "\": " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  std::unique_ptr<CatalogStore> store(new CatalogStore(db, path));
  // WAL: routers read the catalog while one writes. NORMAL sync: a power loss may lose the last
  // counter numbers taken, which is why a router checks a counter against the shards the first
  // time it uses it.
  store->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  store->Exec(kSchema);
  {
    // A new file gets the cluster's identity; an existing one keeps the one it has.
    Statement add(db, "INSERT OR IGNORE INTO shardql_info VALUES ('cluster_id', ?)");
    add.Bind(1, NewClusterId());
    add.Step();
    Statement read(db, "SELECT value FROM shardql_info WHERE key = 'cluster_id'");
    if (read.Step()) store->cluster_id_ = read.Text(0);
  }
  return store;
}

CatalogStore::~CatalogStore() {
  sqlite3_finalize(data_version_);
  sqlite3_close(db_);
}

int64_t CatalogStore::DataVersion() {
  if (!data_version_ &&
      sqlite3_prepare_v2(db_, "PRAGMA data_version", -1, &data_version_, nullptr) != SQLITE_OK) {
    return -1;
  }
  int64_t v =
      sqlite3_step(data_version_) == SQLITE_ROW ? sqlite3_column_int64(data_version_, 0) : -1;
  sqlite3_reset(data_version_);
  return v;
}

void CatalogStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw SqlError(sqlstate::kIoError, "catalog file \"" + path_ + "\": " + message);
  }
}

CatalogStore::Records CatalogStore::LoadAll() {
  std::lock_guard lock(mutex_);
  Records records;
  Statement tables(db_,
                   "SELECT name, definition, shards, vnodes FROM shardql_tables ORDER BY name");
  while (tables.Step()) {
    records.tables.push_back({tables.Text(0), tables.Text(1), SplitLines(tables.Text(2)),
                              static_cast<uint32_t>(tables.Int(3))});
  }
  Statement indexes(db_, "SELECT name, table_name, definition FROM shardql_indexes ORDER BY name");
  while (indexes.Step()) {
    records.indexes.push_back({indexes.Text(0), indexes.Text(1), indexes.Text(2)});
  }
  Statement views(db_, "SELECT name, definition FROM shardql_views ORDER BY name");
  while (views.Step())
    records.views.push_back({views.Text(0), views.Text(1)});
  Statement statistics(db_, "SELECT table_name, statistics FROM shardql_statistics");
  while (statistics.Step())
    records.statistics.push_back({statistics.Text(0), statistics.Blob(1)});
  return records;
}

int64_t CatalogStore::TakeNumbers(const std::string& name, int64_t count,
                                  const std::function<int64_t()>& floor) {
  std::lock_guard lock(mutex_);
  Exec("BEGIN IMMEDIATE");
  try {
    Statement read(db_, "SELECT next FROM shardql_counters WHERE name = ?");
    read.Bind(1, name);
    int64_t next = read.Step() ? read.Int(0) : 1;
    if (floor) next = std::max(next, floor());
    Statement write(db_, "INSERT OR REPLACE INTO shardql_counters VALUES (?, ?)");
    write.Bind(1, name);
    write.Bind(2, next + count);
    write.Step();
    Exec("COMMIT");
    return next;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

uint64_t CatalogStore::StoredVersion() {
  std::lock_guard lock(mutex_);
  int64_t now = DataVersion();
  if (now != seen_data_version_ || now < 0) {
    Statement read(db_, "SELECT value FROM shardql_info WHERE key = 'catalog_version'");
    seen_version_ = read.Step() ? static_cast<uint64_t>(std::stoull(read.Text(0))) : 0;
    seen_data_version_ = now;
  }
  return seen_version_;
}

void CatalogStore::InsertCommit(CommitRecord& record) {
  Statement insert(db_, "INSERT INTO shardql_commits (owner, gid, redo) VALUES (?, ?, ?)");
  insert.Bind(1, record.owner);
  insert.Bind(2, record.gid);
  insert.BindBlob(3, record.encoded.empty() ? EncodeRedo(record) : record.encoded);
  insert.Step();
  record.id = sqlite3_last_insert_rowid(db_);
}

void CatalogStore::AppendCommit(CommitRecord& record) {
  std::lock_guard lock(mutex_);
  // A decision must survive a power loss, not only a killed process.
  Exec("PRAGMA synchronous = FULL");
  try {
    Exec("BEGIN IMMEDIATE");
    InsertCommit(record);
    Exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    Exec("PRAGMA synchronous = NORMAL");
    throw;
  }
  Exec("PRAGMA synchronous = NORMAL");
}

void CatalogStore::DeleteCommit(int64_t id) {
  std::lock_guard lock(mutex_);
  Statement del(db_, "DELETE FROM shardql_commits WHERE id = ?");
  del.Bind(1, id);
  del.Step();
}

void CatalogStore::DisownCommit(int64_t id) {
  std::lock_guard lock(mutex_);
  Statement update(db_, "UPDATE shardql_commits SET owner = '' WHERE id = ?");
  update.Bind(1, id);
  update.Step();
}

std::vector<CommitRecord> CatalogStore::Commits() {
  std::lock_guard lock(mutex_);
  std::vector<CommitRecord> out;
  Statement read(db_, "SELECT id, owner, gid, redo FROM shardql_commits ORDER BY id");
  while (read.Step()) {
    CommitRecord record;
    record.id = read.Int(0);
    record.owner = read.Text(1);
    record.gid = read.Text(2);
    DecodeRedo(read.Blob(3), record);
    out.push_back(std::move(record));
  }
  return out;
}

bool CatalogStore::ChangedSinceLastLook() {
  std::lock_guard lock(mutex_);
  int64_t now = DataVersion();
  bool changed = now != looked_data_version_ || now < 0;
  looked_data_version_ = now;
  return changed;
}

void CatalogStore::Save(const CatalogSnapshot& snapshot, CommitRecord* record) {
  std::lock_guard lock(mutex_);
  Exec("PRAGMA synchronous = FULL");
  struct Normal {
    CatalogStore* store;
    ~Normal() {
      sqlite3_exec(store->db_, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
    }
  } back_to_normal{this};
  Exec("BEGIN IMMEDIATE");
  try {
    Statement version(db_, "UPDATE shardql_info SET value = ? WHERE key = 'catalog_version'");
    version.Bind(1, std::to_string(snapshot.version()));
    version.Step();
    Exec(
        "DELETE FROM shardql_tables; DELETE FROM shardql_indexes; DELETE FROM shardql_views; "
        "DELETE FROM shardql_statistics;");
    Statement table(db_, "INSERT INTO shardql_tables VALUES (?, ?, ?, ?)");
    for (const auto& [name, info] : snapshot.tables()) {
      table.Bind(1, name);
      table.Bind(2, info->definition_sql);
      table.Bind(3, JoinLines(info->shards()));
      table.Bind(4, static_cast<int64_t>(info->ring->vnodes_per_shard()));
      table.Step();
    }
    Statement index(db_, "INSERT INTO shardql_indexes VALUES (?, ?, ?)");
    for (const auto& [name, info] : snapshot.indexes()) {
      index.Bind(1, name);
      index.Bind(2, info.table);
      index.Bind(3, info.definition_sql);
      index.Step();
    }
    Statement view(db_, "INSERT INTO shardql_views VALUES (?, ?)");
    for (const auto& [name, info] : snapshot.views()) {
      view.Bind(1, name);
      view.Bind(2, info.definition_sql);
      view.Step();
    }
    Statement statistics(db_, "INSERT INTO shardql_statistics VALUES (?, ?, ?)");
    for (const auto& [name, figures] : snapshot.statistics()) {
      statistics.Bind(1, name);
      statistics.Bind(2, figures->taken_at);
      statistics.BindBlob(3, EncodeStatistics(*figures));
      statistics.Step();
    }
    if (record) InsertCommit(*record);
    Exec("COMMIT");
    // data_version does not move for this connection's own commits: remember what it wrote.
    seen_version_ = snapshot.version();
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace shardql
