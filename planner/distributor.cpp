// Strategy selection, plan analysis and the single-route strategy. Scatter plans are built in
// distributor_scatter.cpp, the general path in distributor_general.cpp.

#include "planner/distributor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "grammar/sql_error.h"
#include "grammar/stack_guard.h"
#include "planner/distributor_internal.h"
#include "planner/hash_ring.h"
#include "planner/shard_pruning.h"

namespace shardql {

const std::vector<DistributionStep>& DistributionSteps() {
  static const std::vector<DistributionStep> steps = {
      kSplitInListPerShard,  kPushLimitToShards,    kMergeSortedShards,
      kPushDistinctToShards, kAggregateInTwoPhases, kSplitAvgIntoTotalAndCount,
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

using plan::Expr;
using plan::NodeKind;
using plan::PlanNode;

PlanAnalysis::PlanAnalysis(const PlanNode& root, const Dialect& dialect) : dialect_(dialect) {
  Index(root);
}

void PlanAnalysis::Index(const PlanNode& node) {
  CheckStackDepth();
  if (node.kind == NodeKind::kScan) scans_.push_back(&node.Cast<plan::ScanNode>());
  for (const Expr* e : NodeExpressions(node)) {
    VisitExpr(*e, [&](const Expr& sub) {
      if (sub.plan) {
        parents_[sub.plan.get()] = {&node, true};
        Index(*sub.plan);
      }
    });
  }
  for (const plan::PlanPtr& child : node.children) {
    parents_[child.get()] = {&node, false};
    Index(*child);
  }
}

std::vector<const Expr*> PlanAnalysis::ScanPredicates(const plan::ScanNode& scan) const {
  std::vector<const Expr*> out;
  const PlanNode* node = &scan;
  bool blocked = false;
  for (;;) {
    auto it = parents_.find(node);
    if (it == parents_.end()) break;
    const PlanNode* parent = it->second.parent;
    if (it->second.via_subquery) {
      // A subquery in a WHERE runs only for the enclosing rows that reach that filter.
      if (parent->kind != NodeKind::kFilter) break;
      if (!blocked) out.push_back(parent->Cast<plan::FilterNode>().predicate.get());
      node = parent;
      continue;
    }
    if (parent->kind == NodeKind::kFilter) {
      if (!blocked) out.push_back(parent->Cast<plan::FilterNode>().predicate.get());
      node = parent;
      continue;
    }
    if (parent->kind != NodeKind::kJoin) break;
    const auto& join = parent->Cast<plan::JoinNode>();
    bool left_side = parent->children[0].get() == node;
    switch (join.join_kind) {
      case plan::JoinKind::kInner:
      case plan::JoinKind::kCross:
        if (!blocked && join.condition) out.push_back(join.condition.get());
        break;
      case plan::JoinKind::kLeft:
      case plan::JoinKind::kRight: {
        bool null_supplying = (join.join_kind == plan::JoinKind::kLeft) != left_side;
        if (null_supplying) {
          // The ON condition still limits which of this scan's rows join; what is above no longer
          // limits this scan.
          if (!blocked && join.condition) out.push_back(join.condition.get());
          blocked = true;
        }
        break;
      }
      case plan::JoinKind::kFull:
        blocked = true;
        break;
    }
    node = parent;
  }
  return out;
}

ShardChoice PlanAnalysis::Choice(const plan::ScanNode& scan, const plan::ColumnTable& columns,
                                 std::string* reason) const {
  const TableInfo& table = *scan.table;
  ShardPruner pruner(dialect_);
  for (const Expr* p : ScanPredicates(scan))
    pruner.AddPredicate(*p);
  plan::ColumnId key = 0;
  for (size_t i = 0; i < scan.column_indexes.size(); ++i) {
    if (scan.column_indexes[i] == table.shard_key) key = scan.outputs[i];
  }
  return pruner.Choose(pruner.ValuesOf(key, columns[key].type), table, ScanKeyText(scan), reason);
}

std::string ScanKeyText(const plan::ScanNode& scan) {
  return scan.alias + "." + scan.table->shard_key_column().name;
}

namespace {

// Keeps, in every top-level IN list on the key of the fragment's one hash-distributed scan, only
// the values owned by `shard`. Returns false when there is nothing to split.
bool KeepShardValues(plan::PlanNode& fragment, uint32_t shard, const Dialect& dialect) {
  PlanAnalysis analysis(fragment, dialect);
  const plan::ScanNode* scan = nullptr;
  for (const plan::ScanNode* s : analysis.scans()) {
    if (s->table->distribution != DistributionKind::kHash) continue;
    if (scan) return false;  // several distributed scans: their IN lists are not ours to split
    scan = s;
  }
  if (!scan) return false;
  const TableInfo& table = *scan->table;
  plan::ColumnId key = 0;
  for (size_t i = 0; i < scan->column_indexes.size(); ++i) {
    if (scan->column_indexes[i] == table.shard_key) key = scan->outputs[i];
  }
  bool changed = false;
  for (const Expr* predicate : analysis.ScanPredicates(*scan)) {
    plan::ForEachConjunct(*const_cast<Expr*>(predicate), [&](Expr& e) {
      if (e.kind != plan::ExprKind::kInList || e.negated ||
          e.children[0]->kind != plan::ExprKind::kColumn || e.children[0]->column != key) {
        return;
      }
      const ExprType& key_type = e.children[0]->type;
      for (size_t i = 1; i < e.children.size(); ++i) {
        const Expr& item = *e.children[i];
        if (item.kind != plan::ExprKind::kConstant || item.type.affinity != Affinity::kNone ||
            ComparisonCollation(key_type, item.type) != key_type.collation) {
          return;  // not splittable
        }
      }
      std::vector<plan::ExprPtr> kept;
      kept.push_back(std::move(e.children[0]));
      for (size_t i = 1; i < e.children.size(); ++i) {
        const Value& v = e.children[i]->value;
        if (!v.is_null() && ShardIndexOfKey(v, table, dialect) == shard) {
          kept.push_back(std::move(e.children[i]));
        }
      }
      changed = changed || kept.size() != e.children.size();
      e.children = std::move(kept);
    });
  }
  return changed;
}

// "Each shard gets only its own values": a route pruned by an IN list on the shard key sends every
// shard the IN list of the values it owns.
void SplitInListsPerShard(Context& ctx, Route& route) {
  if (route.choice.all || !route.choice.key_params.empty() || route.choice.fixed.size() < 2) return;
  std::vector<std::pair<uint32_t, std::string>> per_shard;
  for (uint32_t shard : route.choice.fixed) {
    plan::PlanPtr copy = route.fragment->Clone();
    if (!KeepShardValues(*copy, shard, ctx.dialect)) return;
    per_shard.emplace_back(shard, ctx.dialect.RenderPlan(*copy, ctx.columns));
  }
  if (!ctx.Enabled(kSplitInListPerShard)) return;
  ctx.Record(kSplitInListPerShard, TraceOutcome::kFired,
             fmt::format("{} shards each get their own values", per_shard.size()));
  route.per_shard_sql = std::move(per_shard);
}

}  // namespace

std::unique_ptr<Route> MakeRoute(Context& ctx, plan::PlanPtr fragment, const ShardChoice& choice,
                                 const TableInfo& table, std::string reason) {
  auto route = std::make_unique<Route>();
  route->ring = table.ring;
  route->ring_shards = table.shards();
  route->choice = choice;
  route->reason = std::move(reason);
  route->width = fragment->outputs.size();
  route->sql = ctx.dialect.RenderPlan(*fragment, ctx.columns);
  if (choice.all) {
    route->variant = RouteVariant::kAllShards;
  } else if (choice.key_params.empty()) {
    route->variant = choice.fixed.empty()                           ? RouteVariant::kNone
                     : choice.fixed.size() == 1                     ? RouteVariant::kSingleShard
                     : choice.fixed.size() == table.shards().size() ? RouteVariant::kAllShards
                                                                    : RouteVariant::kSomeShards;
  } else {
    route->variant = choice.fixed.empty() && choice.key_params.size() == 1
                         ? RouteVariant::kSingleShard
                         : RouteVariant::kSomeShards;
  }
  route->fragment = std::move(fragment);
  SplitInListsPerShard(ctx, *route);
  return route;
}

std::unique_ptr<MergeNode> RouteNode(std::unique_ptr<Route> route) {
  auto node = std::make_unique<MergeNode>();
  node->kind = MergeKind::kRoute;
  node->width = route->width;
  node->route = std::move(route);
  return node;
}

namespace {

bool SameShards(const TableInfo& a, const TableInfo& b) {
  return a.shards() == b.shards() && a.ring->vnodes_per_shard() == b.ring->vnodes_per_shard();
}

// Strategy 1: the whole statement on one shard, when it reads only reference tables or every
// hash-distributed scan is pinned to the same shard.
std::optional<DistributedPlan> TrySingleRoute(Context& ctx, const PlanAnalysis& analysis) {
  const auto& scans = analysis.scans();
  const plan::ScanNode* distributed_example = nullptr;
  std::optional<std::string> shard_name;
  ShardChoice param_choice;
  std::vector<std::string> reasons;
  size_t distributed_scans = 0;
  bool by_param = false;
  for (const plan::ScanNode* scan : scans) {
    if (scan->table->distribution != DistributionKind::kHash) continue;
    ++distributed_scans;
    distributed_example = scan;
    std::string reason;
    ShardChoice choice = analysis.Choice(*scan, ctx.columns, &reason);
    reasons.push_back(reason);
    if (choice.all) return std::nullopt;
    if (!choice.key_params.empty()) {
      // A parameter picks the shard at execute time; one such scan is enough to route by it.
      if (choice.key_params.size() != 1 || !choice.fixed.empty()) return std::nullopt;
      by_param = true;
      param_choice = choice;
      continue;
    }
    if (choice.fixed.size() > 1) return std::nullopt;
    if (choice.fixed.empty()) continue;  // reads no rows on any shard
    const std::string& name = scan->table->shards()[choice.fixed[0]];
    if (shard_name && *shard_name != name) return std::nullopt;
    shard_name = name;
  }
  if (by_param && (distributed_scans != 1 || shard_name)) return std::nullopt;

  // The ring the route uses: the distributed table's, or a reference table's.
  const TableInfo* ring_table =
      distributed_example ? distributed_example->table.get() : scans.front()->table.get();
  for (const plan::ScanNode* scan : scans) {
    if (!SameShards(*scan->table, *ring_table) &&
        scan->table->distribution == DistributionKind::kHash) {
      // Pinned scans on different rings can still meet on one shard by name, but keep it simple.
      return std::nullopt;
    }
  }
  ShardChoice choice;
  std::string reason;
  if (by_param) {
    choice = param_choice;
    reason = reasons.front();
  } else if (shard_name) {
    const auto& names = ring_table->shards();
    auto it = std::find(names.begin(), names.end(), *shard_name);
    if (it == names.end()) return std::nullopt;
    choice.fixed = {static_cast<uint32_t>(it - names.begin())};
    reason = fmt::format("{}", fmt::join(reasons, "; "));
  } else {
    // Only reference tables, or distributed scans that can match no row: any one shard answers.
    choice.fixed = {0};
    reason = distributed_scans == 0
                 ? std::string("reference tables only: one shard has every row")
                 : fmt::format("{}; one shard answers", fmt::join(reasons, "; "));
  }
  // Every reference table must be on the chosen shard (a shard added later may lack them).
  for (const plan::ScanNode* scan : scans) {
    if (scan->table->distribution == DistributionKind::kReference &&
        !SameShards(*scan->table, *ring_table)) {
      return std::nullopt;
    }
  }
  DistributedPlan out;
  out.strategy = "single route";
  // The whole statement is the route's fragment: the plan's root moves into it.
  auto route = MakeRoute(ctx, ctx.logical.root->Clone(), choice, *ring_table, reason);
  if (distributed_scans == 0) route->variant = RouteVariant::kAnyShard;
  out.root = RouteNode(std::move(route));
  return out;
}

}  // namespace
}  // namespace distribute

DistributedPlan DistributeQuery(const plan::LogicalPlan& plan, const Dialect& dialect,
                                const PlannerSettings& settings, RuleTrace* trace) {
  StackDepthScope stack_scope;
  distribute::Context ctx{plan, dialect, settings, trace, plan.columns};
  distribute::PlanAnalysis analysis(*plan.root, dialect);
  DistributedPlan out;
  if (analysis.scans().empty()) {
    // No table: the router's merge engine computes it.
    out.strategy = "local";
    out.root = std::make_unique<MergeNode>();
    out.root->kind = MergeKind::kLocalQuery;
    out.root->sql = dialect.RenderPlan(*plan.root, ctx.columns);
    out.root->width = plan.root->outputs.size();
  } else if (auto single = distribute::TrySingleRoute(ctx, analysis)) {
    out = std::move(*single);
  } else if (auto scatter = settings.force_general_path ? std::nullopt
                                                        : distribute::TryScatter(ctx, analysis)) {
    out = std::move(*scatter);
  } else {
    out = distribute::GeneralPath(ctx, analysis);
  }
  out.output = plan.output;
  out.param_count = plan.param_count;
  out.columns = std::move(ctx.columns);
  return out;
}

ShardChoice ChooseShardsForScan(const plan::LogicalPlan& plan, const plan::ScanNode& scan,
                                const Dialect& dialect, std::string* reason) {
  distribute::PlanAnalysis analysis(*plan.root, dialect);
  return analysis.Choice(scan, plan.columns, reason);
}

}  // namespace shardql
