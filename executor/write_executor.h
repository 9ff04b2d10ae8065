#pragma once
// INSERT, UPDATE and DELETE across shards.
//   INSERT routes each row by its shard key (after the key column's affinity, as the shard will
//   store it); a multi-row INSERT becomes one batched INSERT per shard; INSERT ... SELECT runs the
//   SELECT through the query path first (so it may read any table, the target included).
//   UPDATE and DELETE are pruned like reads. An UPDATE that assigns the shard key moves each row:
//   the shard computes the new rows and deletes the old ones, and the new rows are inserted where
//   their key now belongs — all in one transaction over the shards involved.
// A write that touches several shards outside a user transaction runs in its own cross-shard
// transaction, committed only after every shard succeeded.

#include <string>
#include <vector>

#include "executor/cluster.h"
#include "executor/exec_context.h"
#include "planner/logical_plan.h"
#include "planner/planner_settings.h"

namespace shardql {

// Returns the number of rows written. `user_transaction` is the session's open transaction, or
// null in autocommit; `pooled` lends connections otherwise.
int64_t ExecuteWrite(const plan::LogicalPlan& plan, Cluster& cluster,
                     ShardTransaction* user_transaction, PooledConnections& pooled,
                     const std::vector<Value>& params, const ExecSettings& settings,
                     const PlannerSettings& planner_settings);

// EXPLAIN of a write: the shards it goes to, why, and the SQL each runs.
std::string ExplainWrite(const plan::LogicalPlan& plan, Cluster& cluster,
                         const std::vector<Value>& params);

}  // namespace shardql
