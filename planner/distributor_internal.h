#pragma once
// The distributor's shared parts: the planning context, query-block peeling and the router-side
// finish of a block (DISTINCT, ORDER BY, LIMIT), and route construction. Not included outside
// planner/.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/distribution.h"
#include "planner/distribution_steps.h"
#include "planner/distributor.h"
#include "planner/logical_plan.h"

namespace shardql::distribute {

struct Context {
  const plan::LogicalPlan& logical;
  const Dialect& dialect;
  const PlannerSettings& settings;
  RuleTrace* trace;
  DistributionAnalysis& analysis;
  plan::ColumnTable columns;  // the logical plan's, plus the columns new fragments define

  // Whether `step` may be taken; a step switched off is recorded as such.
  bool Enabled(const DistributionStep& step) {
    if (settings.Enabled(step.name)) return true;
    Record(step, TraceOutcome::kDisabled, "switched off by disabled_rules");
    return false;
  }
  void Record(const DistributionStep& step, TraceOutcome outcome, std::string message) {
    if (trace) trace->Add(step.name, outcome, std::move(message));
  }
  size_t TraceMark() const { return trace ? trace->size() : 0; }
  void TraceBackTo(size_t mark) {
    if (trace) trace->Truncate(mark);
  }
};

// ---- Query blocks (distributor_block.cpp)

// A query block's canonical parts, peeled from its top:
//   [strip] ← [Limit] ← [Sort] ← [Distinct] ← Project ← [Filter:having] ← [Aggregate] ← FROM
// or, for a set operation, [Limit] ← [Sort] ← SetOp.
struct BlockParts {
  const plan::ProjectNode* strip = nullptr;  // drops hidden sort keys
  const plan::LimitNode* limit = nullptr;
  const plan::SortNode* sort = nullptr;
  const plan::DistinctNode* distinct = nullptr;
  const plan::ProjectNode* project = nullptr;
  const plan::FilterNode* having = nullptr;
  const plan::AggregateNode* aggregate = nullptr;
  const plan::PlanNode* from = nullptr;
  const plan::SetOpNode* setop = nullptr;  // instead of project ... from
};
std::optional<BlockParts> PeelBlock(const plan::PlanNode& root);

// A block's LIMIT and OFFSET as constants or parameters, as the router applies them.
struct BlockLimit {
  std::optional<int64_t> limit, offset;
  uint32_t limit_param = 0, offset_param = 0;
};
// nullopt when LIMIT or OFFSET is an expression the router cannot evaluate.
std::optional<BlockLimit> ReadLimit(const BlockParts& parts);

size_t PositionOf(const std::vector<plan::ColumnId>& ids, plan::ColumnId id);
// The collation a merge compares a column with: its own, or BINARY when it has none.
Collation KeyCollation(const ExprType& type);
std::vector<MergeSortKey> MergeKeys(const Context& ctx, const plan::SortNode& sort,
                                    const std::vector<plan::ColumnId>& columns);
std::unique_ptr<MergeNode> Wrap(MergeKind kind, std::unique_ptr<MergeNode> child);
// A projection that picks `columns` of the child's rows; none when it picks them all, in order.
std::unique_ptr<MergeNode> PickColumns(std::unique_ptr<MergeNode> child,
                                       std::vector<size_t> columns);
// The router's finish of a block above rows shaped like `columns`: ORDER BY (unless
// `sorted_input`), DISTINCT, LIMIT / OFFSET, and the projection that drops hidden sort keys.
std::unique_ptr<MergeNode> FinishBlock(const Context& ctx, const BlockParts& parts,
                                       std::unique_ptr<MergeNode> node,
                                       const std::vector<plan::ColumnId>& columns,
                                       bool sorted_input, const BlockLimit& limit);

// ---- Routes (distributor_routes.cpp)

// A route running `fragment` on the shards of `choice` on `table`'s ring; an IN list on the key
// is split per shard (SplitInListPerShard).
std::unique_ptr<Route> MakeRoute(Context& ctx, plan::PlanPtr fragment, const ShardChoice& choice,
                                 const TableInfo& table, std::string reason);
std::unique_ptr<MergeNode> RouteNode(std::unique_ptr<Route> route);

// ---- Strategies

// A distributed plan for the subtree `root` (the statement, or one branch of a set operation).
struct SubPlan {
  std::unique_ptr<MergeNode> root;
  std::string strategy;  // "single route", "scatter", ... for EXPLAIN
};

// Scatter + merge over a co-located block (distributor_scatter.cpp); nullopt when the block's
// shape or placement does not allow it.
std::optional<SubPlan> TryScatter(Context& ctx, const plan::PlanNode& root);
// The general path (distributor_general.cpp): the tables `root` reads, fetched into the merge
// engine, which runs `root` there.
SubPlan GeneralPath(Context& ctx, const plan::PlanNode& root);

}  // namespace shardql::distribute
