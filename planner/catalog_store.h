#pragma once
// CatalogStore persists the catalog in an embedded SQLite metadata file, so a restarted shardql
// (or another router instance on the same file) sees the same tables. It stores each object's
// defining statement; the catalog re-parses them on load, so there is one path from SQL text to a
// catalog entry.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace shardql {

class CatalogSnapshot;

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
  struct Records {
    std::vector<TableRecord> tables;
    std::vector<IndexRecord> indexes;
    std::vector<ViewRecord> views;
  };

  // Opens (creating if needed) the metadata file. Throws SqlError 58030 when it cannot.
  static std::unique_ptr<CatalogStore> Open(const std::string& path);
  ~CatalogStore();

  Records LoadAll();
  // Writes the whole snapshot in one transaction: all or nothing.
  void Save(const CatalogSnapshot& snapshot);

  const std::string& path() const { return path_; }

 private:
  CatalogStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void Exec(const char* sql);

  sqlite3* db_;
  std::string path_;
};

}  // namespace shardql
