#pragma once
// CatalogStore persists the catalog in an embedded SQLite metadata file, so a restarted shardql
// (or another router instance on the same file) sees the same tables. It stores each object's
// defining statement; the catalog re-parses them on load, so there is one path from SQL text to a
// catalog entry.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace shardql {

class CatalogSnapshot;
struct CommitRecord;

// A new random cluster identity.
std::string NewClusterId();

class CatalogStore {
 public:
  struct TableRecord {
    std::string name;
    std::string definition_sql;
    std::vector<std::string> shards;  // the table's ring, in order
    uint32_t vnodes = 0;
  };
  struct IndexRecord {
    std::string name;
    std::string table;
    std::string definition_sql;
  };
  struct ViewRecord {
    std::string name;
    std::string definition_sql;
  };
  struct StatisticsRecord {
    std::string table;
    std::string encoded;  // EncodeStatistics's bytes
  };
  struct Records {
    std::vector<TableRecord> tables;
    std::vector<IndexRecord> indexes;
    std::vector<ViewRecord> views;
    std::vector<StatisticsRecord> statistics;
  };

  // Opens (creating if needed) the metadata file. Throws SqlError 58030 when it cannot.
  static std::unique_ptr<CatalogStore> Open(const std::string& path);
  ~CatalogStore();

  Records LoadAll();
  // Writes the whole snapshot, with its version, in one transaction: all or nothing. With a
  // commit record (DDL), the record goes in the same transaction: the catalog changes exactly when
  // the DDL is decided, and durably (synchronous FULL).
  void Save(const CatalogSnapshot& snapshot, CommitRecord* record = nullptr);

  // ---- The commit log (planner/commit_record.h)
  // Appends a record durably (synchronous FULL) and gives it its id.
  void AppendCommit(CommitRecord& record);
  void DeleteCommit(int64_t id);
  // Leaves a record to whichever router recovers next (its owner could not finish it).
  void DisownCommit(int64_t id);
  std::vector<CommitRecord> Commits();
  // Whether any other connection wrote the file since the last call (SQLite's data_version).
  bool ChangedSinceLastLook();
  // The version of the catalog the file holds: every change bumps it, whichever router made it.
  // Cheap when nothing changed: SQLite's data_version says whether anyone wrote the file since
  // the last look. Thread-safe.
  uint64_t StoredVersion();

  // The first of `count` numbers of the counter `name`, taken in one transaction of the file, so
  // routers sharing it never take the same number. `floor` (called inside the transaction, when
  // given) is a number the counter must not be below: what the shards already hold.
  int64_t TakeNumbers(const std::string& name, int64_t count,
                      const std::function<int64_t()>& floor);

  // The cluster's identity, made when the file was created: every shard records it.
  const std::string& cluster_id() const { return cluster_id_; }

  const std::string& path() const { return path_; }

 private:
  CatalogStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void Exec(const char* sql);
  void InsertCommit(CommitRecord& record);

  // SQLite's data_version: it moves when another connection commits to the file.
  int64_t DataVersion();

  sqlite3* db_;
  sqlite3_stmt* data_version_ = nullptr;  // prepared once: it is read for every statement
  std::string path_;
  std::string cluster_id_;
  std::mutex mutex_;  // the connection serves every session
  int64_t seen_data_version_ = -1;
  int64_t looked_data_version_ = -1;
  uint64_t seen_version_ = 0;
};

}  // namespace shardql
