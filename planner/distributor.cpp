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
#include "planner/shard_pruning.h"

namespace shardql {

const std::vector<DistributionStep>& DistributionSteps() {
  static const std::vector<DistributionStep> steps = {
      kSplitInListPerShard,   kPushLimitToShards,        kMergeSortedShards,
      kPushDistinctToShards,  kAggregateInTwoPhases,     kSplitAvgIntoTotalAndCount,
      kGatherSetOperation,    kCombineBranchRoutes,      kSemiJoinCoLocatedFetches,
      kSettleSubqueryFilters, kAnswerSubqueriesOnShards, kComputeSharedCtesOnce,
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

// The shards a route visits when they are known at planning time (parameters whose values are
// known count, and are recorded in the guard); nullopt otherwise.
std::optional<std::vector<uint32_t>> KnownShards(Context& ctx, const Route& route) {
  if (route.variant == RouteVariant::kNone) return std::vector<uint32_t>{};
  if (!route.choice.key_params.empty()) {
    if (!ctx.values || !ctx.guard) return std::nullopt;
    for (uint32_t p : route.choice.key_params) {
      if (p > ctx.values->size()) return std::nullopt;
    }
  }
  std::vector<uint32_t> shards = ResolveShards(
      route.choice, *route.ring, ctx.values ? *ctx.values : std::vector<Value>{}, ctx.dialect);
  for (uint32_t p : route.choice.key_params) {
    Value stored = ctx.dialect.StoredValue((*ctx.values)[p - 1], route.choice.key_type);
    ctx.guard->Add(
        {p, route.choice.key_type, route.choice.key_collation, route.ring,
         route.ring->ShardIndexFor(ctx.dialect.KeyHash(stored, route.choice.key_collation))});
  }
  return shards;
}

// CombineBranchRoutes: a gather of routes over one ring whose shards are known becomes one route;
// each shard runs the UNION ALL of the fragments of the branches that visit it.
std::unique_ptr<MergeNode> CombineBranchRoutes(Context& ctx, std::unique_ptr<MergeNode> gather) {
  if (gather->children.size() < 2) return gather;
  const HashRing* ring = nullptr;
  for (const auto& child : gather->children) {
    // A branch that copies a table to its shards first runs alone (its copies are its own).
    if (child->kind != MergeKind::kRoute || !child->route->per_shard_sql.empty() ||
        !child->route->temp_tables.empty()) {
      return gather;
    }
    const Route& route = *child->route;
    if (route.variant == RouteVariant::kAnyShard) return gather;
    if (ring && !(route.ring->shards() == ring->shards() &&
                  route.ring->vnodes_per_shard() == ring->vnodes_per_shard())) {
      return gather;
    }
    ring = route.ring.get();
  }
  size_t guard_size = ctx.guard ? ctx.guard->entries.size() : 0;
  auto give_up = [&] {
    if (ctx.guard) ctx.guard->entries.resize(guard_size);  // no decision was made from them
    return std::move(gather);
  };
  std::map<uint32_t, std::vector<const Route*>> by_shard;
  size_t visits = 0;
  for (const auto& child : gather->children) {
    std::optional<std::vector<uint32_t>> shards = KnownShards(ctx, *child->route);
    if (!shards) return give_up();
    visits += shards->size();
    for (uint32_t s : *shards)
      by_shard[s].push_back(child->route.get());
  }
  if (by_shard.size() == visits) return give_up();  // no shard is visited twice
  if (!ctx.Enabled(kCombineBranchRoutes)) return give_up();
  auto combined = std::make_unique<Route>();
  const Route& first = *gather->children[0]->route;
  combined->ring = first.ring;
  combined->ring_shards = first.ring_shards;
  combined->width = first.width;
  combined->choice.key_type = first.choice.key_type;
  combined->choice.key_collation = first.choice.key_collation;
  std::vector<std::string> reasons;
  for (const auto& child : gather->children) {
    std::vector<std::string> names;
    for (uint32_t s : ResolveShards(child->route->choice, *ring,
                                    ctx.values ? *ctx.values : std::vector<Value>{}, ctx.dialect))
      names.push_back(ring->shards()[s]);
    reasons.push_back(fmt::format("branch {} on {}: {}", reasons.size() + 1, fmt::join(names, ", "),
                                  child->route->reason));
  }
  // The fragment EXPLAIN shows: every branch; each shard's SQL holds only its own branches.
  auto union_of = [&](const std::vector<const Route*>& routes) {
    plan::PlanPtr tree = routes[0]->fragment->Clone();
    for (size_t i = 1; i < routes.size(); ++i) {
      std::vector<plan::ColumnId> outputs;
      for (plan::ColumnId id : tree->outputs)
        outputs.push_back(ctx.columns.Add(ctx.columns[id]));
      tree = plan::MakeSetOp(ast::SetOpKind::kUnion, true, std::move(tree),
                             routes[i]->fragment->Clone(), std::move(outputs));
    }
    return tree;
  };
  std::vector<const Route*> all;
  for (const auto& child : gather->children)
    all.push_back(child->route.get());
  combined->fragment = union_of(all);
  combined->sql = ctx.dialect.RenderPlan(*combined->fragment, ctx.columns);
  for (const auto& [shard, routes] : by_shard) {
    combined->choice.fixed.push_back(shard);
    combined->per_shard_sql.emplace_back(
        shard, routes.size() == 1 ? routes[0]->sql
                                  : ctx.dialect.RenderPlan(*union_of(routes), ctx.columns));
  }
  combined->variant = by_shard.size() == ring->shards().size() ? RouteVariant::kAllShards
                      : by_shard.size() == 1                   ? RouteVariant::kSingleShard
                                                               : RouteVariant::kSomeShards;
  combined->reason = fmt::format("{}", fmt::join(reasons, "; "));
  ctx.Record(kCombineBranchRoutes, TraceOutcome::kFired,
             fmt::format("{} branches on {} shards: {} visits instead of {}",
                         gather->children.size(), by_shard.size(), by_shard.size(), visits));
  return RouteNode(std::move(combined));
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
  if (setop.all) node = CombineBranchRoutes(ctx, std::move(node));
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
  distribute::Context ctx{plan, dialect, settings, trace, analysis, plan.columns, values, &guard};
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
