#pragma once
// Index advice for EXPLAIN: where a filter or join on a large table has no index on any shard to
// serve it, the CREATE INDEX that would; where a condition wraps an indexed column in an
// expression (so the index cannot serve it), the rewrite that would let it. Advice only: nothing
// here changes a plan.

#include <string>
#include <vector>

#include "planner/cost_model.h"
#include "planner/logical_plan.h"

namespace shardql {

// Tables below this many rows (by the estimate) get no advice: a scan of them is cheap.
inline constexpr double kAdviceMinimumRows = 10000;

// One line per piece of advice, in plan order, each once.
std::vector<std::string> IndexAdvice(const plan::LogicalPlan& plan, const CostModel& model);

}  // namespace shardql
