#pragma once
// The distributor turns a bound query's logical plan into a distributed plan, choosing the
// cheapest strategy that is exact:
//
//   1. one route: every distributed table the query reads is pinned to the same shard (or it reads
//      only reference tables), so that shard runs the whole query;
//   2. scatter + merge: the query block's FROM is co-located (one distributed table, joins on the
//      shard key, reference tables) so shards run it and the router merges: gather, k-way merge
//      for ORDER BY, LIMIT, DISTINCT, two-phase aggregation;
//   3. the general path: each table's needed, filtered rows are fetched into a merge engine of the
//      same dialect inside the router, which runs the whole query.
//
// A strategy is used only when its conditions hold; the general path answers everything the
// backend can.

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"
#include "planner/planner_settings.h"
#include "planner/rule_trace.h"

namespace shardql {

// Routes copy what they run out of `plan`, which is left as it was. The steps taken (and those
// switched off by `settings`) go to `trace` when one is given. With the parameters' `values`
// known, routing may be decided from them; the plan's guard then says for which values it holds.
DistributedPlan DistributeQuery(const plan::LogicalPlan& plan, const Dialect& dialect,
                                const PlannerSettings& settings = {}, RuleTrace* trace = nullptr,
                                const std::vector<Value>* values = nullptr);

// The shard choice for the rows of `scan` (a hash-distributed table) that `plan` can read,
// from the predicates that constrain them. Used for writes (UPDATE / DELETE) too.
ShardChoice ChooseShardsForScan(const plan::LogicalPlan& plan, const plan::ScanNode& scan,
                                const Dialect& dialect, std::string* reason);

}  // namespace shardql
