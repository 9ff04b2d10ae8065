// Strategy 2, scatter + merge. The statement's top query block is peeled into its canonical parts
//
//   [strip] ← [Limit] ← [Sort] ← [Distinct] ← Project ← [Filter:having] ← [Aggregate] ← FROM
//
// and used only when FROM is co-located: one hash-distributed table, joins of distributed tables
// on their shard keys (same ring), and reference tables on the preserved side's partner. Then
//   - without aggregation (or grouped by the shard key, so groups are shard-local) shards run the
//     whole block and the router merges: MergeSort keeps ORDER BY, Limit applies LIMIT/OFFSET over
//     at most limit+offset rows per shard, Distinct removes duplicates across shards;
//   - otherwise aggregation runs in two phases: shards compute partial aggregates per group
//     (AVG as TOTAL and COUNT), the router combines them with the dialect's rules, and what follows
//     the aggregation runs over the merged groups (in the merge engine when it needs expressions).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <set>

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

bool SameRing(const TableInfo& a, const TableInfo& b) {
  return a.shards() == b.shards() && a.ring->vnodes_per_shard() == b.ring->vnodes_per_shard();
}

ShardChoice IntersectChoices(const ShardChoice& a, const ShardChoice& b) {
  if (a.all) return b;
  if (b.all) return a;
  if (a.key_params.empty() && b.key_params.empty()) {
    ShardChoice out = a;
    out.fixed.clear();
    for (uint32_t s : a.fixed) {
      if (std::find(b.fixed.begin(), b.fixed.end(), s) != b.fixed.end()) out.fixed.push_back(s);
    }
    return out;
  }
  // With parameters either side is a correct superset.
  return a.fixed.size() + a.key_params.size() <= b.fixed.size() + b.key_params.size() ? a : b;
}

ShardChoice UnionChoices(const ShardChoice& a, const ShardChoice& b) {
  if (a.all) return a;
  if (b.all) return b;
  ShardChoice out = a;
  for (uint32_t s : b.fixed) {
    if (std::find(out.fixed.begin(), out.fixed.end(), s) == out.fixed.end()) out.fixed.push_back(s);
  }
  std::sort(out.fixed.begin(), out.fixed.end());
  out.key_params.insert(out.key_params.end(), b.key_params.begin(), b.key_params.end());
  return out;
}

// Where a subtree's rows live, when shards can compute it alone.
struct Placement {
  bool ok = false;       // shards can compute the subtree on their own rows
  bool sharded = false;  // its rows are spread over shards (else: reference data, or none)
  const TableInfo* ring_table = nullptr;
  std::set<ColumnId> keys;  // columns that hold each row's shard key
  Affinity key_affinity = Affinity::kNone;
  Collation key_collation = Collation::kBinary;
  ShardChoice choice;
  std::vector<std::string> reasons;
};

class Placer {
 public:
  Placer(Context& ctx, const PlanAnalysis& analysis) : ctx_(ctx), analysis_(analysis) {}

  Placement Place(const PlanNode& node) {
    Placement fail;
    switch (node.kind) {
      case NodeKind::kScan: {
        const auto& scan = node.Cast<plan::ScanNode>();
        Placement p;
        p.ok = true;
        if (scan.table->distribution != DistributionKind::kHash) return p;
        p.sharded = true;
        p.ring_table = scan.table.get();
        for (size_t i = 0; i < scan.column_indexes.size(); ++i) {
          if (scan.column_indexes[i] == scan.table->shard_key) p.keys.insert(scan.outputs[i]);
        }
        p.key_affinity = scan.table->shard_key_column().affinity;
        p.key_collation = scan.table->shard_key_column().collation;
        std::string reason;
        p.choice = analysis_.Choice(scan, ctx_.columns, &reason);
        p.reasons.push_back(reason);
        return p;
      }
      case NodeKind::kValues: {
        Placement p;
        p.ok = std::all_of(node.Cast<plan::ValuesNode>().rows.begin(),
                           node.Cast<plan::ValuesNode>().rows.end(), [&](const auto& row) {
                             return std::all_of(row.begin(), row.end(),
                                                [&](const auto& e) { return Pushable(*e); });
                           });
        return p;
      }
      case NodeKind::kFilter: {
        Placement p = Place(*node.children[0]);
        if (!p.ok || !Pushable(*node.Cast<plan::FilterNode>().predicate)) return fail;
        return p;
      }
      case NodeKind::kProject: {
        Placement p = Place(*node.children[0]);
        const auto& project = node.Cast<plan::ProjectNode>();
        for (const auto& e : project.exprs) {
          if (!Pushable(*e)) return fail;
        }
        if (!p.ok || !p.sharded) return p;
        std::set<ColumnId> keys;
        for (size_t i = 0; i < project.exprs.size(); ++i) {
          if (project.exprs[i]->kind == ExprKind::kColumn &&
              p.keys.count(project.exprs[i]->column)) {
            keys.insert(project.outputs[i]);
          }
        }
        p.keys = std::move(keys);
        return p;
      }
      case NodeKind::kJoin:
        return PlaceJoin(node.Cast<plan::JoinNode>());
      case NodeKind::kAggregate: {
        Placement p = Place(*node.children[0]);
        const auto& agg = node.Cast<plan::AggregateNode>();
        for (const auto& e : agg.groups) {
          if (!Pushable(*e)) return fail;
        }
        for (const auto& e : agg.aggregates) {
          if (!Pushable(*e)) return fail;
        }
        if (!p.ok || !p.sharded) return p;
        // Grouped by the shard key, every group lives on one shard.
        std::set<ColumnId> keys;
        for (size_t i = 0; i < agg.groups.size(); ++i) {
          if (agg.groups[i]->kind == ExprKind::kColumn && p.keys.count(agg.groups[i]->column)) {
            keys.insert(agg.outputs[i]);
          }
        }
        if (keys.empty()) return fail;
        p.keys = std::move(keys);
        return p;
      }
      case NodeKind::kDistinct: {
        Placement p = Place(*node.children[0]);
        if (!p.ok || !p.sharded) return p;
        bool key_kept = std::any_of(node.outputs.begin(), node.outputs.end(),
                                    [&](ColumnId id) { return p.keys.count(id) > 0; });
        return key_kept ? p : fail;
      }
      case NodeKind::kSort: {
        Placement p = Place(*node.children[0]);
        for (const auto& k : node.Cast<plan::SortNode>().keys) {
          if (!Pushable(*k.expr)) return fail;
        }
        return p;
      }
      case NodeKind::kLimit: {
        Placement p = Place(*node.children[0]);
        return p.ok && !p.sharded ? p : fail;
      }
      case NodeKind::kWindow: {
        Placement p = Place(*node.children[0]);
        if (!p.ok) return fail;
        for (const auto& w : node.Cast<plan::WindowNode>().windows) {
          if (!Pushable(*w)) return fail;
          if (!p.sharded) continue;
          // A window partitioned by the shard key sees all its rows on one shard.
          bool by_key = std::any_of(
              w->window->partition_by.begin(), w->window->partition_by.end(), [&](const auto& e) {
                return e->kind == ExprKind::kColumn && p.keys.count(e->column);
              });
          if (!by_key) return fail;
        }
        return p;
      }
      case NodeKind::kSetOp: {
        Placement l = Place(*node.children[0]);
        Placement r = Place(*node.children[1]);
        if (l.ok && r.ok && !l.sharded && !r.sharded) return l;
        return fail;
      }
      default:
        return fail;
    }
  }

  // An expression shards can evaluate on their own: no subquery that reads distributed data.
  bool Pushable(const Expr& e) const { return !plan::SubqueryReadsDistributed(e); }

 private:
  Placement PlaceJoin(const plan::JoinNode& join) {
    Placement fail;
    Placement l = Place(*join.children[0]);
    Placement r = Place(*join.children[1]);
    if (!l.ok || !r.ok) return fail;
    if (join.condition && !Pushable(*join.condition)) return fail;
    plan::JoinKind kind = join.join_kind;
    bool inner = kind == plan::JoinKind::kInner || kind == plan::JoinKind::kCross;
    if (!l.sharded && !r.sharded) return l;
    // A reference table joins a distributed one on every shard as long as its rows are not the
    // preserved side of an outer join (they would come back once per shard).
    if (l.sharded && !r.sharded) return inner || kind == plan::JoinKind::kLeft ? l : fail;
    if (!l.sharded && r.sharded) return inner || kind == plan::JoinKind::kRight ? r : fail;
    // Two distributed sides are co-located when joined on their shard keys on the same ring, and
    // the keys store equal values alike.
    if (!SameRing(*l.ring_table, *r.ring_table) || l.key_affinity != r.key_affinity ||
        l.key_collation != r.key_collation || !join.condition) {
      return fail;
    }
    // One equality of the two keys under the keys' collation is enough.
    bool on_keys = false;
    plan::ForEachConjunct(*join.condition, [&](const Expr& e) {
      if (e.kind != ExprKind::kBinary || e.binary_op != ast::BinaryOp::kEq ||
          e.children[0]->kind != ExprKind::kColumn || e.children[1]->kind != ExprKind::kColumn) {
        return;
      }
      ColumnId a = e.children[0]->column, b = e.children[1]->column;
      if ((l.keys.count(a) && r.keys.count(b)) || (l.keys.count(b) && r.keys.count(a))) {
        on_keys = on_keys ||
                  ComparisonCollation(e.children[0]->type, e.children[1]->type) == l.key_collation;
      }
    });
    if (!on_keys) return fail;
    Placement out = l;
    out.keys.insert(r.keys.begin(), r.keys.end());
    out.reasons.insert(out.reasons.end(), r.reasons.begin(), r.reasons.end());
    switch (kind) {
      case plan::JoinKind::kInner:
      case plan::JoinKind::kCross:
        out.choice = IntersectChoices(l.choice, r.choice);
        break;
      case plan::JoinKind::kLeft:
        out.choice = l.choice;
        break;
      case plan::JoinKind::kRight:
        out.choice = r.choice;
        break;
      case plan::JoinKind::kFull:
        out.choice = UnionChoices(l.choice, r.choice);
        break;
    }
    return out;
  }

  Context& ctx_;
  const PlanAnalysis& analysis_;
};

// The parts of the top query block.
struct BlockParts {
  const plan::ProjectNode* strip = nullptr;
  const plan::LimitNode* limit = nullptr;
  const plan::SortNode* sort = nullptr;
  const plan::DistinctNode* distinct = nullptr;
  const plan::ProjectNode* project = nullptr;
  const plan::FilterNode* having = nullptr;
  const plan::AggregateNode* aggregate = nullptr;
  const PlanNode* from = nullptr;
};

bool PureColumns(const plan::ProjectNode& project) {
  return std::all_of(project.exprs.begin(), project.exprs.end(),
                     [](const auto& e) { return e->kind == ExprKind::kColumn; });
}

std::optional<BlockParts> PeelBlock(const PlanNode& root) {
  BlockParts parts;
  const PlanNode* node = &root;
  if (node->kind == NodeKind::kProject && PureColumns(node->Cast<plan::ProjectNode>()) &&
      (node->children[0]->kind == NodeKind::kLimit || node->children[0]->kind == NodeKind::kSort)) {
    parts.strip = &node->Cast<plan::ProjectNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kLimit) {
    parts.limit = &node->Cast<plan::LimitNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kSort) {
    parts.sort = &node->Cast<plan::SortNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kDistinct) {
    parts.distinct = &node->Cast<plan::DistinctNode>();
    node = node->children[0].get();
  }
  if (node->kind != NodeKind::kProject) return std::nullopt;
  parts.project = &node->Cast<plan::ProjectNode>();
  node = node->children[0].get();
  if (node->kind == NodeKind::kFilter && node->children[0]->kind == NodeKind::kAggregate) {
    parts.having = &node->Cast<plan::FilterNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kAggregate) {
    parts.aggregate = &node->Cast<plan::AggregateNode>();
    node = node->children[0].get();
  }
  parts.from = node;
  return parts;
}

// LIMIT / OFFSET as a constant or a parameter; false when it is anything else.
bool LimitOperand(const plan::ExprPtr& e, std::optional<int64_t>& constant, uint32_t& param) {
  if (!e) return true;
  if (e->kind == ExprKind::kParam) {
    param = e->param_index;
    return true;
  }
  if (e->kind == ExprKind::kConstant && e->value.kind() == Value::Kind::kInteger) {
    constant = e->value.integer();
    return true;
  }
  return false;
}

size_t PositionOf(const std::vector<ColumnId>& ids, ColumnId id) {
  auto it = std::find(ids.begin(), ids.end(), id);
  if (it == ids.end()) {
    throw SqlError(sqlstate::kInternalError,
                   fmt::format("internal error: column #{} not found", id));
  }
  return static_cast<size_t>(it - ids.begin());
}

Collation KeyCollation(const ExprType& type) {
  return type.collation_source == CollationSource::kNone ? Collation::kBinary : type.collation;
}

std::vector<MergeSortKey> MergeKeys(const Context& ctx, const plan::SortNode& sort,
                                    const std::vector<ColumnId>& columns) {
  std::vector<MergeSortKey> keys;
  bool nulls_first_asc = ctx.dialect.NullsFirstWhenAscending();
  for (const plan::SortKey& k : sort.keys) {
    MergeSortKey key;
    key.column = PositionOf(columns, k.expr->column);
    key.descending = k.descending;
    key.nulls_first = k.nulls == ast::NullsOrder::kFirst ? true
                      : k.nulls == ast::NullsOrder::kLast
                          ? false
                          : (k.descending ? !nulls_first_asc : nulls_first_asc);
    key.collation = KeyCollation(ctx.columns[k.expr->column].type);
    key.label = ctx.columns[k.expr->column].name;
    keys.push_back(key);
  }
  return keys;
}

std::unique_ptr<MergeNode> Wrap(MergeKind kind, std::unique_ptr<MergeNode> child) {
  auto node = std::make_unique<MergeNode>();
  node->kind = kind;
  node->width = child->width;
  node->children.push_back(std::move(child));
  return node;
}

// A projection that picks `columns` of the child's rows; none when it would pick them all, in
// order.
std::unique_ptr<MergeNode> PickColumns(std::unique_ptr<MergeNode> child,
                                       std::vector<size_t> columns) {
  bool identity = columns.size() == child->width;
  for (size_t i = 0; identity && i < columns.size(); ++i)
    identity = columns[i] == i;
  if (identity) return child;
  auto project = Wrap(MergeKind::kProject, std::move(child));
  project->width = columns.size();
  project->columns = std::move(columns);
  return project;
}

// Finishes the merge tree above rows shaped like `columns`: DISTINCT, ORDER BY, LIMIT, and the
// projection that drops hidden sort keys. `sorted_input`: the child already delivers the order.
std::unique_ptr<MergeNode> FinishBlock(const Context& ctx, const BlockParts& parts,
                                       std::unique_ptr<MergeNode> node,
                                       const std::vector<ColumnId>& columns, bool sorted_input,
                                       const std::optional<int64_t>& limit,
                                       const std::optional<int64_t>& offset, uint32_t limit_param,
                                       uint32_t offset_param) {
  if (parts.sort && !sorted_input) {
    node = Wrap(MergeKind::kSort, std::move(node));
    node->sort_keys = MergeKeys(ctx, *parts.sort, columns);
  }
  if (parts.distinct) {
    node = Wrap(MergeKind::kDistinct, std::move(node));
    for (ColumnId id : columns)
      node->column_collations.push_back(KeyCollation(ctx.columns[id].type));
  }
  if (parts.limit) {
    node = Wrap(MergeKind::kLimit, std::move(node));
    node->limit = limit;
    node->offset = offset;
    node->limit_param = limit_param;
    node->offset_param = offset_param;
  }
  if (parts.strip) {
    std::vector<size_t> picked;
    for (const auto& e : parts.strip->exprs)
      picked.push_back(PositionOf(columns, e->column));
    node = PickColumns(std::move(node), std::move(picked));
  }
  return node;
}

bool Decomposable(const Expr& agg) {
  if (agg.distinct) return false;
  const std::string& n = agg.name;
  return n == "count" || n == "sum" || n == "min" || n == "max" || n == "avg" || n == "total";
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

std::optional<DistributedPlan> TryScatter(Context& ctx, const PlanAnalysis& analysis) {
  std::optional<BlockParts> peeled = PeelBlock(*ctx.logical.root);
  if (!peeled) return std::nullopt;
  const BlockParts& parts = *peeled;
  Placer placer(ctx, analysis);

  std::optional<int64_t> limit, offset;
  uint32_t limit_param = 0, offset_param = 0;
  if (parts.limit && (!LimitOperand(parts.limit->limit, limit, limit_param) ||
                      !LimitOperand(parts.limit->offset, offset, offset_param))) {
    return std::nullopt;
  }
  // SQLite reads a negative LIMIT as no limit and a negative OFFSET as none.
  if (limit && *limit < 0) limit.reset();
  if (offset && *offset < 0) offset = 0;

  // The rows of the block, up to its projection, computed wholly by shards?
  Placement whole = placer.Place(*parts.project);
  if (whole.ok && whole.sharded) {
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
    DistributedPlan out;
    out.strategy = "scatter";
    out.root = FinishBlock(ctx, parts, std::move(node), columns, merge_sorted || !parts.sort, limit,
                           offset, limit_param, offset_param);
    return out;
  }

  // Two-phase aggregation over a co-located FROM.
  if (!parts.aggregate) return std::nullopt;
  Placement from = placer.Place(*parts.from);
  if (!from.ok || !from.sharded) return std::nullopt;
  const plan::AggregateNode& agg = *parts.aggregate;
  for (const auto& e : agg.groups) {
    if (!placer.Pushable(*e)) return std::nullopt;
  }
  for (const auto& a : agg.aggregates) {
    if (!placer.Pushable(*a)) return std::nullopt;
    if (!Decomposable(*a)) {
      ctx.Record(kAggregateInTwoPhases, TraceOutcome::kRejected,
                 fmt::format("{} cannot be combined from per-shard partials",
                             FormatExpr(*a, ctx.columns)));
      return std::nullopt;
    }
  }
  bool has_avg = std::any_of(agg.aggregates.begin(), agg.aggregates.end(),
                             [](const plan::ExprPtr& a) { return a->name == "avg"; });
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
    FinalAggregate f;
    f.label = FormatExpr(*a, ctx.columns);
    if (a->name == "avg") {
      f.kind = FinalAggregateKind::kAvg;
      f.input = add_partial(*a, "total");
      f.count_input = add_partial(*a, "count");
    } else {
      f.input = add_partial(*a, a->name);
      f.kind = a->name == "count"   ? FinalAggregateKind::kCount
               : a->name == "total" ? FinalAggregateKind::kTotal
               : a->name == "min"   ? FinalAggregateKind::kMin
               : a->name == "max"   ? FinalAggregateKind::kMax
                                    : FinalAggregateKind::kSum;
      if (!a->children.empty()) f.collation = KeyCollation(a->children[0]->type);
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

  DistributedPlan out;
  out.strategy = "scatter, two-phase aggregation";
  // What follows the aggregation only picks columns: the router does it.
  bool simple = !parts.having && PureColumns(*parts.project);
  if (simple) {
    std::vector<size_t> picked;
    for (const auto& e : parts.project->exprs)
      picked.push_back(PositionOf(agg.outputs, e->column));
    std::unique_ptr<MergeNode> node = PickColumns(std::move(final_node), std::move(picked));
    out.root = FinishBlock(ctx, parts, std::move(node), parts.project->outputs, false, limit,
                           offset, limit_param, offset_param);
    return out;
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
    col.declared_type = is_group ? meta.type.declared_type : "";
    col.affinity = is_group ? meta.type.affinity : Affinity::kNone;
    col.collation = KeyCollation(meta.type);
    std::string definition = ctx.dialect.QuoteIdentifier(col.name);
    if (!col.declared_type.empty()) definition += " " + col.declared_type;
    definition += std::string(" COLLATE ") + ToString(col.collation);
    local->child_columns.push_back(definition);
    groups_table->columns.push_back(col);
  }
  auto scan = std::make_unique<plan::ScanNode>();
  scan->table = groups_table;
  scan->alias = "groups";
  for (size_t i = 0; i < agg.outputs.size(); ++i)
    scan->column_indexes.push_back(static_cast<int>(i));
  scan->outputs = agg.outputs;
  plan::PlanPtr rest = ReplaceNode(*ctx.logical.root, agg, std::move(scan));
  local->sql = ctx.dialect.RenderPlan(*rest, ctx.columns);
  local->width = ctx.logical.root->outputs.size();
  local->children.push_back(std::move(final_node));
  out.root = std::move(local);
  return out;
}

}  // namespace shardql::distribute
