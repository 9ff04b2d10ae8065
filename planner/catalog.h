#pragma once
// The catalog: tables (columns, distribution, the shards that hold them), indexes and views.
// Readers take an immutable CatalogSnapshot and plan against it without locks; DDL builds a new
// snapshot, persists it (catalog_store.h) and swaps it in. A bound plan keeps the TableInfo it was
// bound against alive through shared_ptr.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "planner/hash_ring.h"
#include "planner/statistics.h"
#include "planner/types.h"

namespace shardql {

struct ColumnInfo {
  std::string name;
  std::string declared_type;  // as written; empty when the column has no type
  SqlType type;               // what the dialect says the declared type is
  Collation collation;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  // The column is SQLite's INTEGER PRIMARY KEY: an alias of the rowid, which a backend assigns
  // when an INSERT leaves it out.
  bool rowid_alias = false;
  std::string default_sql;  // the DEFAULT expression as written; empty when there is none
};

enum class DistributionKind : uint8_t {
  kHash,       // rows spread over the ring's shards by the hash of the shard key
  kReference,  // every shard holds every row
};

const char* ToString(DistributionKind kind);

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;
  DistributionKind distribution = DistributionKind::kHash;
  int shard_key = -1;  // index into columns for kHash
  // The first column of each PRIMARY KEY and UNIQUE constraint: backends index them.
  std::vector<int> constraint_leading_columns;
  // The shards holding the table: the ring's shards for kHash, every shard for kReference.
  std::shared_ptr<const HashRing> ring;
  // The CREATE TABLE statement, normalised, with its DISTRIBUTE BY clause: the catalog re-parses it
  // on load and backends render their own DDL from it.
  std::string definition_sql;

  int FindColumn(const std::string& column_name) const;  // -1 when absent
  const std::vector<std::string>& shards() const { return ring->shards(); }
  const ColumnInfo& shard_key_column() const { return columns.at(shard_key); }
};

struct IndexInfo {
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<std::string> columns;  // each indexed column or expression as written
  std::string definition_sql;        // the CREATE INDEX statement
};

struct ViewInfo {
  std::string name;
  std::vector<std::string> column_names;  // from CREATE VIEW v (a, b); may be empty
  std::string query_sql;                  // the defining query, re-bound at every use
  std::string definition_sql;             // the CREATE VIEW statement
};

class CatalogSnapshot {
 public:
  std::shared_ptr<const TableInfo> FindTable(const std::string& name) const;
  const IndexInfo* FindIndex(const std::string& name) const;
  const ViewInfo* FindView(const std::string& name) const;
  std::vector<const IndexInfo*> IndexesOf(const std::string& table) const;
  // What the last ANALYZE of the table found; null when it has not been analysed.
  std::shared_ptr<const TableStatistics> StatisticsOf(const std::string& table) const;

  const std::map<std::string, std::shared_ptr<const TableInfo>>& tables() const { return tables_; }
  const std::map<std::string, IndexInfo>& indexes() const { return indexes_; }
  const std::map<std::string, ViewInfo>& views() const { return views_; }
  const std::map<std::string, std::shared_ptr<const TableStatistics>>& statistics() const {
    return statistics_;
  }

  // Bumped by every change; plans cached against an older version are stale.
  uint64_t version() const { return version_; }

 private:
  friend class Catalog;
  std::map<std::string, std::shared_ptr<const TableInfo>> tables_;
  std::map<std::string, IndexInfo> indexes_;
  std::map<std::string, ViewInfo> views_;
  std::map<std::string, std::shared_ptr<const TableStatistics>> statistics_;
  uint64_t version_ = 0;
};

class CatalogStore;
class Dialect;
struct CommitRecord;

class Catalog {
 public:
  // An in-memory catalog.
  Catalog();
  // With a store, every change is persisted before it becomes visible.
  explicit Catalog(std::unique_ptr<CatalogStore> store);
  ~Catalog();

  std::shared_ptr<const CatalogSnapshot> Snapshot() const;

  // Each change takes effect atomically; it throws SqlError (and changes nothing) when the name is
  // taken or absent. With a commit record (DDL that ran on shards), the record is written in the
  // same transaction of the catalog file as the change.
  void AddTable(std::shared_ptr<const TableInfo> table, CommitRecord* record = nullptr);
  void DropTable(const std::string& name, CommitRecord* record = nullptr);  // and its indexes
  void AddIndex(IndexInfo index, CommitRecord* record = nullptr);
  void DropIndex(const std::string& name, CommitRecord* record = nullptr);
  void AddView(ViewInfo view, bool replace);
  // Replaces a table's statistics (ANALYZE); plans made with the old figures go stale.
  void SetStatistics(const std::string& table, std::shared_ptr<const TableStatistics> statistics);
  void DropView(const std::string& name);

  // The file's commit log (nullptr for an in-memory catalog).
  CatalogStore* store() { return store_.get(); }

  // Loads every object from the store (at startup); `dialect` knows the column types.
  void Load(const Dialect& dialect);
  // Loads the store again when another router changed it since (its version differs); true when
  // it did. Callers hold the cluster's lock (executor/cluster_lock.h).
  bool Refresh(const Dialect& dialect);

  // The cluster's identity (random; kept in the catalog file): every shard records it.
  const std::string& cluster_id() const { return cluster_id_; }
  bool persistent() const { return store_ != nullptr; }
  // CatalogStore::TakeNumbers; a persistent catalog only.
  int64_t TakeNumbers(const std::string& name, int64_t count,
                      const std::function<int64_t()>& floor);

 private:
  template <typename Mutation>
  void Change(Mutation&& mutate, CommitRecord* record = nullptr);

  std::unique_ptr<CatalogStore> store_;
  std::string cluster_id_;
  mutable std::mutex mutex_;
  std::shared_ptr<const CatalogSnapshot> current_;
};

}  // namespace shardql
