#pragma once
// Rowids for rows of hash-distributed tables, given out by the router in insertion order across
// all shards — and across routers: with a catalog file, the numbers come from a counter in it
// (CatalogStore::TakeNumbers), taken per statement. One SQLite database numbers its rows in the
// order they arrive and scans them in that order; giving each row a cluster-wide rowid lets the
// merge engine scan a table's rows in the very order one database would (what group_concat, or
// LIMIT without ORDER BY, shows).

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace shardql {

class Cluster;
struct TableInfo;

class RowidAllocator {
 public:
  // The first of `count` consecutive rowids reserved for new rows of `table`. The first call for a
  // table reads the highest rowid its shards hold. Throws SqlError when a shard cannot be read.
  int64_t Reserve(const TableInfo& table, size_t count, Cluster& cluster);
  // The table was created or dropped: its numbering starts again from its shards' contents.
  void Forget(const std::string& table);
  void ForgetAll();

 private:
  // The numbers above the largest rowid the table's shards hold (throws SqlError).
  static int64_t AboveShards(const TableInfo& table, Cluster& cluster);

  std::mutex mutex_;
  std::map<std::string, int64_t> next_;  // an in-memory catalog's counters
  std::set<std::string> checked_;        // counters this process checked against the shards
};

}  // namespace shardql
