// Scatter + merge over a co-located query block, peeled into its canonical parts
//
//   [strip] ← [Limit] ← [Sort] ← [Distinct] ← Project ← [Filter:having] ← [Aggregate] ← FROM
//
// and used only when the block's rows are sharded (distribution.h): one hash-distributed table,
// joins of distributed tables on their shard keys (same ring), reference tables on the preserved
// side's partner. Then
//   - when shards can compute the whole block (no aggregation, or grouped by the shard key, so
//     groups are shard-local) they run it and the router merges: MergeSort keeps ORDER BY, Limit
//     applies LIMIT/OFFSET over at most limit+offset rows per shard, Distinct removes duplicates
//     across shards (PushLimitToShards, MergeSortedShards, PushDistinctToShards);
//   - otherwise aggregation runs in two phases (AggregateInTwoPhases): shards compute partial
//     aggregates per group (AVG as TOTAL and COUNT), the router combines them with the dialect's
//     rules, and what follows the aggregation runs over the merged groups (in the merge engine
//     when it needs expressions).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <limits>

#include "grammar/sql_error.h"
#include "planner/distributor_internal.h"
#include "planner/plan_printer.h"

namespace shardql::distribute {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

namespace {

bool PureColumns(const plan::ProjectNode& project) {
  return std::all_of(project.exprs.begin(), project.exprs.end(),
                     [](const auto& e) { return e->kind == ExprKind::kColumn; });
}

// How the dialect splits this aggregate call into per-shard partials; null when it cannot.
const FunctionInfo* Split(const Context& ctx, const Expr& agg) {
  if (agg.distinct) return nullptr;
  const FunctionInfo* f = ctx.dialect.Functions().Find(agg.name);
  return f && f->aggregate && !f->partials.empty() ? f : nullptr;
}

// Replaces, in a clone of the plan, the node at the same place as `target` in `original`.
plan::PlanPtr ReplaceNode(const PlanNode& original, const PlanNode& target,
                          plan::PlanPtr replacement) {
  std::vector<size_t> path;
  std::function<bool(const PlanNode&)> find = [&](const PlanNode& n) {
    if (&n == &target) return true;
    for (size_t i = 0; i < n.children.size(); ++i) {
      path.push_back(i);
      if (find(*n.children[i])) return true;
      path.pop_back();
    }
    return false;
  };
  if (!find(original)) throw SqlError(sqlstate::kInternalError, "internal error: node not in plan");
  plan::PlanPtr copy = original.Clone();
  if (path.empty()) return replacement;
  PlanNode* node = copy.get();
  for (size_t i = 0; i + 1 < path.size(); ++i)
    node = node->children[path[i]].get();
  node->children[path.back()] = std::move(replacement);
  return copy;
}

}  // namespace

std::optional<SubPlan> TryScatter(Context& ctx, const PlanNode& root) {
  std::optional<BlockParts> peeled = PeelBlock(root);
  if (!peeled || !peeled->project) return std::nullopt;
  const BlockParts& parts = *peeled;
  std::optional<BlockLimit> block_limit = ReadLimit(parts);
  if (!block_limit) return std::nullopt;
  const std::optional<int64_t>& limit = block_limit->limit;
  const std::optional<int64_t>& offset = block_limit->offset;
  uint32_t offset_param = block_limit->offset_param;
  DistributionAnalysis& analysis = ctx.analysis;

  // The rows of the block, up to its projection, computed wholly by shards?
  const Distribution& whole = analysis.Of(*parts.project);
  bool sort_evaluable = !parts.sort || std::all_of(parts.sort->keys.begin(), parts.sort->keys.end(),
                                                   [&](const plan::SortKey& k) {
                                                     return analysis.Evaluable(*k.expr, whole);
                                                   });
  if (whole.sharded() && sort_evaluable) {
    bool push_distinct = parts.distinct && ctx.Enabled(kPushDistinctToShards);
    bool merge_sorted = parts.sort && ctx.Enabled(kMergeSortedShards);
    // Each shard needs at most limit + offset rows, once it returns the block's final rows in the
    // final order: its own DISTINCT and ORDER BY applied.
    bool push_limit = false;
    if (limit) {
      if (offset_param) {
        ctx.Record(kPushLimitToShards, TraceOutcome::kRejected,
                   "OFFSET is a parameter: each shard must return every row");
      } else if (parts.distinct && !push_distinct) {
        ctx.Record(kPushLimitToShards, TraceOutcome::kRejected,
                   "DISTINCT is not applied on the shards: their first rows may repeat");
      } else {
        push_limit = ctx.Enabled(kPushLimitToShards);
      }
    }
    plan::PlanPtr fragment = parts.project->Clone();
    if (push_distinct) {
      fragment = plan::MakeDistinct(std::move(fragment));
      ctx.Record(kPushDistinctToShards, TraceOutcome::kFired, "each shard runs SELECT DISTINCT");
    }
    if (parts.sort && (merge_sorted || push_limit)) {
      std::vector<plan::SortKey> keys;
      for (const auto& k : parts.sort->keys)
        keys.push_back(k.Clone());
      fragment = plan::MakeSort(std::move(fragment), std::move(keys));
    }
    if (push_limit) {
      int64_t needed = offset && *offset > std::numeric_limits<int64_t>::max() - *limit
                           ? std::numeric_limits<int64_t>::max()
                           : *limit + offset.value_or(0);
      fragment =
          plan::MakeLimit(std::move(fragment), plan::MakeConstant(Value::Integer(needed)), nullptr);
      ctx.Record(kPushLimitToShards, TraceOutcome::kFired,
                 fmt::format("each shard returns at most {} rows", needed));
    }
    std::vector<ColumnId> columns = parts.project->outputs;
    std::string reason = fmt::format("{}", fmt::join(whole.reasons, "; "));
    auto route = MakeRoute(ctx, std::move(fragment), whole.choice, *whole.ring_table, reason);
    std::unique_ptr<MergeNode> node = RouteNode(std::move(route));
    if (merge_sorted) {
      auto merge = Wrap(MergeKind::kMergeSort, std::move(node));
      merge->sort_keys = MergeKeys(ctx, *parts.sort, columns);
      node = std::move(merge);
      ctx.Record(kMergeSortedShards, TraceOutcome::kFired, "the router k-way merges the shards");
    }
    node = FinishBlock(ctx, parts, std::move(node), columns, merge_sorted || !parts.sort,
                       *block_limit);
    return SubPlan{std::move(node), "scatter"};
  }

  // Two-phase aggregation over a co-located FROM.
  if (!parts.aggregate) return std::nullopt;
  const Distribution& from = analysis.Of(*parts.from);
  if (!from.sharded()) return std::nullopt;
  const plan::AggregateNode& agg = *parts.aggregate;
  for (const auto& e : agg.groups) {
    if (!analysis.Evaluable(*e, from)) return std::nullopt;
  }
  for (const auto& a : agg.aggregates) {
    if (!analysis.Evaluable(*a, from)) return std::nullopt;
    if (!Split(ctx, *a)) {
      ctx.Record(kAggregateInTwoPhases, TraceOutcome::kRejected,
                 fmt::format("{} cannot be combined from per-shard partials",
                             FormatExpr(*a, ctx.columns)));
      return std::nullopt;
    }
  }
  bool has_avg = std::any_of(agg.aggregates.begin(), agg.aggregates.end(), [&](const auto& a) {
    return Split(ctx, *a)->final == FinalAggregateKind::kAvg;
  });
  if (!ctx.Enabled(kAggregateInTwoPhases)) return std::nullopt;
  if (has_avg && !ctx.Enabled(kSplitAvgIntoTotalAndCount)) return std::nullopt;
  ctx.Record(kAggregateInTwoPhases, TraceOutcome::kFired,
             fmt::format("{} partial aggregate(s) per group on each shard", agg.aggregates.size()));
  if (has_avg) {
    ctx.Record(kSplitAvgIntoTotalAndCount, TraceOutcome::kFired,
               "each shard returns TOTAL and COUNT; the router divides");
  }

  std::vector<plan::ExprPtr> partial_groups, partial_aggregates;
  std::vector<ColumnId> partial_ids;
  std::vector<FinalAggregate> finals;
  for (const auto& g : agg.groups) {
    partial_groups.push_back(g->Clone());
    partial_ids.push_back(ctx.columns.Add({"group", "", g->type}));
  }
  auto add_partial = [&](const Expr& original, const std::string& name) {
    plan::ExprPtr copy = original.Clone();
    copy->name = name;
    partial_aggregates.push_back(std::move(copy));
    partial_ids.push_back(ctx.columns.Add({name, "", ExprType{}}));
    return partial_ids.size() - 1;
  };
  for (size_t i = 0; i < agg.aggregates.size(); ++i) {
    const plan::ExprPtr& a = agg.aggregates[i];
    const FunctionInfo& split = *Split(ctx, *a);
    FinalAggregate f;
    f.label = FormatExpr(*a, ctx.columns);
    f.kind = split.final;
    f.input = add_partial(*a, split.partials[0]);
    if (split.partials.size() > 1) f.count_input = add_partial(*a, split.partials[1]);
    if ((f.kind == FinalAggregateKind::kMin || f.kind == FinalAggregateKind::kMax) &&
        !a->children.empty()) {
      f.collation = KeyCollation(a->children[0]->type);
    }
    finals.push_back(f);
  }
  auto partial = plan::MakeAggregate(parts.from->Clone(), std::move(partial_groups),
                                     std::move(partial_aggregates), std::move(partial_ids));
  std::string reason = fmt::format("{}", fmt::join(from.reasons, "; "));
  auto route = MakeRoute(ctx, std::move(partial), from.choice, *from.ring_table, reason);

  auto final_node = std::make_unique<MergeNode>();
  final_node->kind = MergeKind::kFinalAggregate;
  final_node->group_columns = agg.groups.size();
  for (const auto& g : agg.groups)
    final_node->group_collations.push_back(KeyCollation(g->type));
  final_node->aggregates = std::move(finals);
  final_node->width = agg.outputs.size();
  final_node->children.push_back(RouteNode(std::move(route)));

  const char* strategy = "scatter, two-phase aggregation";
  // What follows the aggregation only picks columns: the router does it.
  bool simple = !parts.having && PureColumns(*parts.project);
  if (simple) {
    std::vector<size_t> picked;
    for (const auto& e : parts.project->exprs)
      picked.push_back(PositionOf(agg.outputs, e->column));
    std::unique_ptr<MergeNode> node = PickColumns(std::move(final_node), std::move(picked));
    node = FinishBlock(ctx, parts, std::move(node), parts.project->outputs, false, *block_limit);
    return SubPlan{std::move(node), strategy};
  }
  // Otherwise the merged groups go into the merge engine, which runs the rest of the query over
  // them: a table with one column per group key and aggregate, typed so that comparisons behave as
  // they would over the original GROUP BY.
  auto groups_table = std::make_shared<TableInfo>();
  groups_table->name = "shardql_groups";
  auto local = std::make_unique<MergeNode>();
  local->kind = MergeKind::kLocalQuery;
  local->child_table = groups_table->name;
  for (size_t i = 0; i < agg.outputs.size(); ++i) {
    const plan::ColumnMeta& meta = ctx.columns[agg.outputs[i]];
    ColumnInfo col;
    col.name = fmt::format("c{}", agg.outputs[i]);
    bool is_group = i < agg.groups.size();
    // A group key keeps its declared type (SQLite: its affinity); an aggregate has none.
    if (is_group && meta.type.declared) col.type = meta.type.type;
    col.collation = KeyCollation(meta.type);
    local->child_columns.push_back(
        ctx.dialect.RenderColumnDefinition(col.name, col.type, col.collation));
    groups_table->columns.push_back(col);
  }
  std::vector<bool> typed;
  for (size_t i = 0; i < agg.outputs.size(); ++i)
    typed.push_back(i < agg.groups.size() && ctx.columns[agg.outputs[i]].type.declared);
  plan::PlanPtr rest =
      ReplaceNode(root, agg, ReadResultTable(ctx, groups_table, "groups", agg.outputs, typed));
  local->sql = ctx.dialect.RenderPlan(*rest, ctx.columns);
  local->width = root.outputs.size();
  local->children.push_back(std::move(final_node));
  return SubPlan{std::move(local), strategy};
}

}  // namespace shardql::distribute
