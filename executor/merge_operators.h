#pragma once
// The router's merge operators, each a small stream class (ShardingSphere's merged results):
// gather, k-way merge sort, in-memory sort, limit/offset, final aggregation, distinct, projection,
// and the general path's local query.

#include <functional>
#include <memory>
#include <vector>

#include "executor/route_stream.h"
#include "executor/row_stream.h"
#include "planner/dialect.h"
#include "planner/distributed_plan.h"

namespace shardql {

// Children's rows one after another, each child opened when the one before it is done.
std::unique_ptr<RowStream> MakeGather(
    std::vector<std::function<std::unique_ptr<RowStream>()>> children, size_t width);
// A k-way merge of the route's per-shard streams, each sorted by `keys`.
std::unique_ptr<RowStream> MakeMergeSort(std::unique_ptr<RouteStream> route,
                                         std::vector<MergeSortKey> keys, const Dialect& dialect,
                                         size_t batch_rows);
// Sorts all of the child's rows in memory (merged groups).
std::unique_ptr<RowStream> MakeSort(std::unique_ptr<RowStream> child,
                                    std::vector<MergeSortKey> keys, const Dialect& dialect,
                                    size_t batch_rows);
// Skips `offset` rows, then passes at most `limit` (no limit when unset).
std::unique_ptr<RowStream> MakeLimit(std::unique_ptr<RowStream> child, std::optional<int64_t> limit,
                                     int64_t offset);
// Combines per-shard partial aggregates per group with the dialect's rules.
std::unique_ptr<RowStream> MakeFinalAggregate(std::unique_ptr<RowStream> child,
                                              const MergeNode& node, const Dialect& dialect,
                                              size_t batch_rows);
// Drops rows equal (under the columns' collations) to an earlier row.
std::unique_ptr<RowStream> MakeDistinct(std::unique_ptr<RowStream> child,
                                        std::vector<Collation> collations, const Dialect& dialect);
// Picks columns.
std::unique_ptr<RowStream> MakeProject(std::unique_ptr<RowStream> child,
                                       std::vector<size_t> columns);
// The general path: loads tables into a merge engine and runs the query there.
std::unique_ptr<RowStream> MakeLocalQuery(const MergeNode& node, ExecContext& ctx);

}  // namespace shardql
