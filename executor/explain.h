#pragma once
// EXPLAIN [ANALYZE] [VERBOSE]: a planned statement printed by the one plan printer — the merge
// tree with each route's shards and SQL for these parameter values; with VERBOSE the logical
// plan and every rule and distribution step considered; with ANALYZE what running it did.

#include <functional>
#include <string>
#include <vector>

#include "executor/cluster.h"
#include "executor/exec_context.h"
#include "planner/pipeline.h"

namespace shardql {

struct ExplainOptions {
  bool analyze = false;
  bool verbose = false;
  bool costs = true;  // the cost model's estimates (needs `planner`)
  const PlannerSettings* planner = nullptr;
};

// The lines of EXPLAIN's QUERY PLAN column. For ANALYZE, `run` executes the plan, counting into
// `stats`, and returns how many rows it produced; each route and merge then shows its actual rows
// and times.
std::vector<std::string> ExplainLines(const PlannedStatement& plan,
                                      const std::vector<Value>& params,
                                      const ExplainOptions& options, Cluster& cluster,
                                      ExecStats* stats, const std::function<size_t()>& run);

}  // namespace shardql
