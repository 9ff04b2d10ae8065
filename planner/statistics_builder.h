#pragma once
// ANALYZE's arithmetic: what every shard told about its part of a table, made into the table's
// statistics. The shards' own figures are exact where they keep them (row counts, NULL counts,
// minimum and maximum); distinct counts, the most common values and the histogram come from a
// sample drawn on every shard in proportion to its rows, so the union of the shards' samples is
// a uniform sample of the table.
//
// Distinct values are estimated as PostgreSQL does, with the Duj1 estimator of Haas and Stokes
// (1998): n·d / (n − f1 + f1·n/N) for d distinct values in an n-row sample of N rows, f1 of them
// seen once. A sample whose values are all distinct is taken for a unique column. Where every
// shard counted the column's distinct values itself (an index's figures), the estimate is held
// between the largest shard's count and their sum; a hash-distributed table's shard key has
// distinct values on every shard, so its count is the sum.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "planner/catalog.h"
#include "planner/dialect.h"
#include "planner/statistics.h"

namespace shardql {

// What one shard told ANALYZE.
struct ShardTableFacts {
  std::string shard;
  double rows = 0;
  // Per column, in the table's order.
  std::vector<double> non_null;                 // rows whose value is not NULL
  std::vector<std::optional<Value>> min, max;   // over the shard's rows (absent when all NULL)
  std::vector<std::optional<double>> distinct;  // the shard's own count, when it keeps one
  std::vector<ShardIndexStatistics> indexes;    // each with `shards` = {this shard}
  std::vector<std::vector<Value>> sample;       // rows chosen at random, a value per column
};

inline constexpr size_t kSampleTarget = 30000;    // rows sampled per table, all shards
inline constexpr size_t kMostCommonValues = 100;  // at most, per column
inline constexpr size_t kHistogramBuckets = 100;

// How many rows of a shard's `shard_rows` to sample for a table of `table_rows` in all: the
// shard's share of `target` (and all of a small shard).
size_t SampleRowsFor(double shard_rows, double table_rows, size_t target = kSampleTarget);

// The table's statistics. A reference table's rows are those of one shard (every shard holds all).
TableStatistics CombineShardFacts(const TableInfo& table,
                                  const std::vector<ShardTableFacts>& shards,
                                  const Dialect& dialect, int64_t taken_at);

// Duj1 for `sample_rows` non-NULL sampled values of `table_rows` non-NULL rows, `distinct` of them
// different and `seen_once` appearing once.
double EstimateDistinct(double sample_rows, double table_rows, double distinct, double seen_once);

}  // namespace shardql
