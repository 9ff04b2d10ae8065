#pragma once
// Runs distributed write plans (planner/write_planner.h): an INSERT's rows are gathered (literal
// VALUES, or its query run first), numbered and routed to the shards that store them, and sent as
// batched INSERTs; an UPDATE or DELETE runs on the shards its route picks; an UPDATE of the shard
// key moves rows. A write that touches several shards outside a user transaction runs in its own
// cross-shard transaction, committed only after every shard succeeded.

#include <vector>

#include "executor/cluster.h"
#include "executor/exec_context.h"
#include "planner/distributed_plan.h"

namespace shardql {

// Returns the number of rows written. `user_transaction` is the session's open transaction, or
// null in autocommit; `pooled` lends connections otherwise.
// `cancel` stops the write (its shards' statements are interrupted) when the statement is
// cancelled; what it wrote is then rolled back with its transaction.
int64_t ExecuteWrite(const DistributedPlan& plan, Cluster& cluster,
                     ShardTransaction* user_transaction, PooledConnections& pooled,
                     const std::vector<Value>& params, const ExecSettings& settings,
                     CancelToken& cancel);

}  // namespace shardql
