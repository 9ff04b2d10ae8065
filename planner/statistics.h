#pragma once
// What ANALYZE learned about a table, gathered from every shard that holds it and kept in the
// catalog with the time it was taken. The cost model reads it; a table without statistics is
// estimated with default figures, and EXPLAIN says so.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "planner/value.h"

namespace shardql {

struct ColumnStatistics {
  double null_fraction = 0;  // of all rows
  double distinct = 0;       // estimated distinct non-NULL values in the whole table
  std::optional<Value> min, max;
  // The most common values and the fraction of all rows each has, most common first.
  std::vector<std::pair<Value, double>> most_common;
  // Bounds of buckets holding equal numbers of the sampled values that are not most common, in
  // order: the first is the smallest sampled, the last the largest.
  std::vector<Value> histogram;
};

// An index as a shard has it (SQLite's index_list / index_info).
struct ShardIndexStatistics {
  std::string name;
  std::vector<std::string> columns;  // leading column first; "(expression)" for an expression
  bool unique = false;
  std::vector<std::string> shards;  // the shards that have it
};

struct TableStatistics {
  int64_t taken_at = 0;  // Unix time in seconds
  double rows = 0;       // in the whole table (a reference table: on each shard)
  std::vector<std::pair<std::string, double>> shard_rows;  // shard name, its rows
  std::vector<ColumnStatistics> columns;                   // one per table column, in order
  std::vector<ShardIndexStatistics> indexes;
  size_t sampled_rows = 0;  // how many rows the column figures were computed from
};

}  // namespace shardql

namespace shardql {

// How the catalog file keeps them (planner/value_codec.h's bytes, versioned).
std::string EncodeStatistics(const TableStatistics& statistics);
// Throws SqlError 58030 when the bytes are damaged or of an unknown version.
TableStatistics DecodeStatistics(const std::string& bytes);

}  // namespace shardql
