// Strategy selection over the statement's distribution, the single route, and set operations as
// gathers of their branches. Scatter plans are built in distributor_scatter.cpp, the general
// path in distributor_general.cpp, routes in distributor_routes.cpp.

#include "planner/distributor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "grammar/sql_error.h"
#include "grammar/stack_guard.h"
#include "planner/distributor_internal.h"

namespace shardql {

const std::vector<DistributionStep>& DistributionSteps() {
  static const std::vector<DistributionStep> steps = {
      kSplitInListPerShard,      kPushLimitToShards,        kMergeSortedShards,
      kPushDistinctToShards,     kAggregateInTwoPhases,     kSplitAvgIntoTotalAndCount,
      kGatherSetOperation,       kSemiJoinCoLocatedFetches, kSettleSubqueryFilters,
      kAnswerSubqueriesOnShards,
  };
  return steps;
}

const char* ToString(TraceOutcome outcome) {
  switch (outcome) {
    case TraceOutcome::kFired:
      return "fired";
    case TraceOutcome::kRejected:
      return "rejected";
    case TraceOutcome::kDisabled:
      return "disabled";
  }
  return "?";
}

const char* ToString(RouteVariant variant) {
  switch (variant) {
    case RouteVariant::kSingleShard:
      return "single shard";
    case RouteVariant::kSomeShards:
      return "some shards";
    case RouteVariant::kAllShards:
      return "all shards";
    case RouteVariant::kAnyShard:
      return "any shard";
    case RouteVariant::kNone:
      return "no shard";
  }
  return "?";
}

const char* ToString(MergeKind kind) {
  switch (kind) {
    case MergeKind::kRoute:
      return "Route";
    case MergeKind::kGather:
      return "Gather";
    case MergeKind::kMergeSort:
      return "MergeSort";
    case MergeKind::kSort:
      return "Sort";
    case MergeKind::kLimit:
      return "Limit";
    case MergeKind::kFinalAggregate:
      return "FinalAggregate";
    case MergeKind::kDistinct:
      return "Distinct";
    case MergeKind::kProject:
      return "Project";
    case MergeKind::kLocalQuery:
      return "LocalQuery";
  }
  return "?";
}

namespace distribute {

bool ReadsTables(const plan::PlanNode& root) {
  bool reads = false;
  VisitPlan(
      root, [&](const plan::PlanNode& n) { reads = reads || n.kind == plan::NodeKind::kScan; },
      true);
  return reads;
}

namespace {

// The subtree on one shard, when its distribution allows: every row it reads is on one shard, or
// it reads only reference tables.
std::optional<SubPlan> TrySingleRoute(Context& ctx, const plan::PlanNode& root) {
  const Distribution& d = ctx.analysis.Of(root);
  if (!d.replicated() && !d.pinned()) return std::nullopt;
  if (!d.ring_table) return std::nullopt;  // no table: the merge engine computes it
  ShardChoice choice;
  std::string reason;
  RouteVariant variant;
  if (d.replicated()) {
    choice.fixed = {0};
    reason = "reference tables only: one shard has every row";
    variant = RouteVariant::kAnyShard;
  } else if (d.choice.fixed.empty() && d.choice.key_params.empty()) {
    // Reads no rows on any shard: any one shard answers.
    choice.fixed = {0};
    reason = fmt::format("{}; one shard answers", fmt::join(d.reasons, "; "));
    variant = RouteVariant::kSingleShard;
  } else {
    choice = d.choice;
    reason = fmt::format("{}", fmt::join(d.reasons, "; "));
    variant = RouteVariant::kSingleShard;
  }
  auto route = MakeRoute(ctx, root.Clone(), choice, *d.ring_table, reason);
  route->variant = variant;
  return SubPlan{RouteNode(std::move(route)), "single route"};
}

// The branches of nested UNION ALLs, left to right.
void CollectUnionAll(const plan::PlanNode& node, std::vector<const plan::PlanNode*>& out) {
  if (node.kind == plan::NodeKind::kSetOp && node.Cast<plan::SetOpNode>().all &&
      node.Cast<plan::SetOpNode>().op == ast::SetOpKind::kUnion) {
    for (const plan::PlanPtr& child : node.children)
      CollectUnionAll(*child, out);
    return;
  }
  out.push_back(&node);
}

// UNION [ALL] whose branches can run without the merge engine: a gather of the branches' plans,
// duplicates removed by the router for UNION, then the block's ORDER BY and LIMIT.
std::optional<SubPlan> TryGatherSetOp(Context& ctx, const BlockParts& parts) {
  const plan::SetOpNode& setop = *parts.setop;
  if (setop.op != ast::SetOpKind::kUnion) return std::nullopt;
  std::optional<BlockLimit> limit = ReadLimit(parts);
  if (!limit) return std::nullopt;
  std::vector<const plan::PlanNode*> branches;
  if (setop.all) {
    CollectUnionAll(setop, branches);
  } else {
    for (const plan::PlanPtr& child : setop.children)
      branches.push_back(child.get());
  }
  if (!ctx.Enabled(kGatherSetOperation)) return std::nullopt;
  // Worth it only when no branch needs the merge engine for the tables it reads.
  size_t mark = ctx.TraceMark();
  auto gather = std::make_unique<MergeNode>();
  gather->kind = MergeKind::kGather;
  gather->width = setop.outputs.size();
  for (const plan::PlanNode* branch : branches) {
    std::optional<SubPlan> sub =
        ReadsTables(*branch) ? TryDistribute(ctx, *branch) : GeneralPath(ctx, *branch);
    if (!sub) {
      ctx.TraceBackTo(mark);
      ctx.Record(kGatherSetOperation, TraceOutcome::kRejected,
                 "a branch needs the merge engine: the whole statement runs there");
      return std::nullopt;
    }
    gather->children.push_back(std::move(sub->root));
  }
  std::unique_ptr<MergeNode> node = std::move(gather);
  if (!setop.all) {
    node = Wrap(MergeKind::kDistinct, std::move(node));
    for (plan::ColumnId id : setop.outputs)
      node->column_collations.push_back(KeyCollation(ctx.columns[id].type));
  }
  ctx.Record(kGatherSetOperation, TraceOutcome::kFired,
             fmt::format("{} branches gathered{}", branches.size(),
                         setop.all ? "" : ", duplicates removed by the router"));
  node = FinishBlock(ctx, parts, std::move(node), setop.outputs, false, *limit);
  return SubPlan{std::move(node), setop.all ? "gather" : "gather, distinct"};
}

}  // namespace

std::optional<SubPlan> TryDistribute(Context& ctx, const plan::PlanNode& root) {
  CheckStackDepth();
  if (std::optional<SubPlan> single = TrySingleRoute(ctx, root)) return single;
  if (ctx.settings.force_general_path) return std::nullopt;
  std::optional<BlockParts> parts = PeelBlock(root);
  if (!parts) return std::nullopt;
  if (parts->setop) return TryGatherSetOp(ctx, *parts);
  return TryScatter(ctx, root);
}

}  // namespace distribute

DistributedPlan DistributeQuery(const plan::LogicalPlan& plan, const Dialect& dialect,
                                const PlannerSettings& settings, RuleTrace* trace,
                                const std::vector<Value>* values) {
  StackDepthScope stack_scope;
  RoutingGuard guard;
  DistributionAnalysis analysis(*plan.root, plan.columns, dialect, values, &guard);
  distribute::Context ctx{plan, dialect, settings, trace, analysis, plan.columns};
  distribute::SubPlan sub;
  if (analysis.scans().empty()) {
    // No table: the router's merge engine computes it.
    sub = distribute::GeneralPath(ctx, *plan.root);
    sub.strategy = "local";
  } else if (auto distributed = distribute::TryDistribute(ctx, *plan.root)) {
    sub = std::move(*distributed);
  } else {
    sub = distribute::GeneralPath(ctx, *plan.root);
  }
  DistributedPlan out;
  out.root = std::move(sub.root);
  out.strategy = std::move(sub.strategy);
  out.output = plan.output;
  out.param_count = plan.param_count;
  out.columns = std::move(ctx.columns);
  out.guard = std::move(guard);
  return out;
}

ShardChoice ChooseShardsForScan(const plan::LogicalPlan& plan, const plan::ScanNode& scan,
                                const Dialect& dialect, std::string* reason) {
  DistributionAnalysis analysis(*plan.root, plan.columns, dialect);
  return analysis.Choice(scan, reason);
}

}  // namespace shardql
