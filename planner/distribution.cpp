#include "planner/distribution.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "grammar/stack_guard.h"
#include "planner/hash_ring.h"
#include "planner/plan_visitor.h"
#include "planner/shard_pruning.h"

namespace shardql {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

namespace {

// Every row is in no shard: the subtree reads nothing wherever it runs.
bool ReadsNothing(const Distribution& d) {
  return d.sharded() && !d.choice.all && d.choice.fixed.empty() && d.choice.key_params.empty();
}

std::vector<uint32_t> SortedParams(std::vector<uint32_t> params) {
  std::sort(params.begin(), params.end());
  params.erase(std::unique(params.begin(), params.end()), params.end());
  return params;
}

// Whether reference data on `replicated`'s shards is on every shard `other` may run on.
bool Covers(const Distribution& replicated, const Distribution& other) {
  return !replicated.ring_table || !other.ring_table ||
         SameRing(*replicated.ring_table, *other.ring_table);
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

Distribution Router() {
  Distribution d;
  d.kind = Distribution::Kind::kRouter;
  return d;
}

// The key columns of `child` that `exprs` pass through as `outputs`.
std::set<ColumnId> MapKeys(const std::set<ColumnId>& keys, const std::vector<plan::ExprPtr>& exprs,
                           const std::vector<ColumnId>& outputs) {
  std::set<ColumnId> out;
  for (size_t i = 0; i < exprs.size() && i < outputs.size(); ++i) {
    if (exprs[i]->kind == ExprKind::kColumn && keys.count(exprs[i]->column)) out.insert(outputs[i]);
  }
  return out;
}

}  // namespace

bool SameRing(const TableInfo& a, const TableInfo& b) {
  return a.shards() == b.shards() && a.ring->vnodes_per_shard() == b.ring->vnodes_per_shard();
}

void RoutingGuard::Add(Entry entry) {
  for (const Entry& e : entries) {
    if (e.param == entry.param && e.ring == entry.ring && e.key_type == entry.key_type &&
        e.key_collation == entry.key_collation) {
      return;
    }
  }
  entries.push_back(std::move(entry));
}

void RoutingGuard::Merge(const RoutingGuard& other) {
  for (const Entry& e : other.entries)
    Add(e);
}

bool RoutingGuard::Holds(const std::vector<Value>& params, const Dialect& dialect) const {
  for (const Entry& e : entries) {
    if (e.param > params.size()) return false;
    Value stored = dialect.StoredValue(params[e.param - 1], e.key_type);
    if (e.ring->ShardIndexFor(dialect.KeyHash(stored, e.key_collation)) != e.shard) return false;
  }
  return true;
}

RouteVariant VariantOf(const ShardChoice& choice, const TableInfo& table) {
  if (choice.all) return RouteVariant::kAllShards;
  if (choice.key_params.empty()) {
    return choice.fixed.empty()                           ? RouteVariant::kNone
           : choice.fixed.size() == 1                     ? RouteVariant::kSingleShard
           : choice.fixed.size() == table.shards().size() ? RouteVariant::kAllShards
                                                          : RouteVariant::kSomeShards;
  }
  return choice.fixed.empty() && SortedParams(choice.key_params).size() == 1
             ? RouteVariant::kSingleShard
             : RouteVariant::kSomeShards;
}

bool Distribution::pinned() const {
  if (sharded() && pinned_by_outer) return true;
  if (!sharded() || choice.all) return false;
  if (choice.key_params.empty()) return choice.fixed.size() <= 1;
  return choice.fixed.empty() && SortedParams(choice.key_params).size() == 1;
}

std::string Distribution::Describe(const plan::ColumnTable& columns) const {
  switch (kind) {
    case Kind::kRouter:
      return "router";
    case Kind::kReplicated:
      return ring_table ? "replicated (any shard)" : "replicated (no table)";
    case Kind::kSharded:
      break;
  }
  std::vector<std::string> names;
  for (ColumnId id : keys)
    names.push_back(id < columns.size() ? columns[id].name : fmt::format("#{}", id));
  std::string by = names.empty() ? "" : fmt::format(" by {}", fmt::join(names, ", "));
  if (ReadsNothing(*this)) return "sharded, no shard holds rows";
  if (pinned_by_outer) {
    ColumnId outer = *pinned_by_outer;
    return fmt::format("pinned to the shard of outer {}{}",
                       outer < columns.size() ? columns[outer].name : fmt::format("#{}", outer),
                       by);
  }
  if (pinned()) {
    return choice.key_params.empty()
               ? fmt::format("pinned to {}{}", ring_table->shards()[choice.fixed[0]], by)
               : fmt::format("pinned to the shard of ${}{}", choice.key_params[0], by);
  }
  return fmt::format("sharded{}", by);
}

DistributionAnalysis::DistributionAnalysis(const PlanNode& root, const plan::ColumnTable& columns,
                                           const Dialect& dialect, const std::vector<Value>* values,
                                           RoutingGuard* guard)
    : columns_(columns), dialect_(dialect), values_(values), guard_(guard) {
  Index(root);
}

std::optional<uint32_t> DistributionAnalysis::ShardOf(const Distribution& d) {
  if (d.choice.key_params.empty()) {
    return d.choice.fixed.size() == 1 ? std::optional<uint32_t>(d.choice.fixed[0]) : std::nullopt;
  }
  if (!values_ || !d.choice.fixed.empty()) return std::nullopt;
  for (uint32_t p : d.choice.key_params) {
    if (p > values_->size()) return std::nullopt;
  }
  std::vector<uint32_t> shards = ResolveShards(d.choice, *d.ring_table->ring, *values_, dialect_);
  if (shards.size() != 1) return std::nullopt;
  if (guard_) {
    for (uint32_t p : d.choice.key_params) {
      guard_->Add({p, d.choice.key_type, d.choice.key_collation, d.ring_table->ring, shards[0]});
    }
  }
  return shards[0];
}

bool DistributionAnalysis::CorrelatedOnKey(const Distribution& outer,
                                           const Distribution& inner) const {
  return inner.pinned_by_outer && outer.sharded() && outer.keys.count(*inner.pinned_by_outer) &&
         SameRing(*outer.ring_table, *inner.ring_table) &&
         dialect_.EqualityHashesAlike(DeclaredColumnType(outer.key_type, outer.key_collation),
                                      DeclaredColumnType(inner.key_type, inner.key_collation));
}

std::optional<ColumnId> DistributionAnalysis::OuterKeyEquality(const plan::ScanNode& scan,
                                                               ColumnId key) {
  // The subquery the scan is in: up its links to the first one from an expression.
  const PlanNode* node = &scan;
  for (;;) {
    auto it = parents_.find(node);
    if (it == parents_.end()) return std::nullopt;  // the statement's own block
    if (it->second.via_subquery) break;
    node = it->second.parent;
  }
  auto cached = defined_.try_emplace(node);
  std::set<ColumnId>& defined = cached.first->second;
  if (cached.second) defined = plan::DefinedColumns(*node);
  std::optional<ColumnId> found;
  for (const Expr* p : ScanPredicates(scan)) {
    plan::ForEachConjunct(*p, [&](const Expr& e) {
      if (found || e.kind != ExprKind::kBinary || e.binary_op != ast::BinaryOp::kEq ||
          e.left().kind != ExprKind::kColumn || e.right().kind != ExprKind::kColumn) {
        return;
      }
      ColumnId a = e.left().column, b = e.right().column;
      if (b == key) std::swap(a, b);
      if (a != key || defined.count(b)) return;
      // Equal under the key's own collation, so equal values are on one shard.
      if (dialect_.ComparisonCollation(e.left().type, e.right().type) ==
          scan.table->shard_key_column().collation) {
        found = b;
      }
    });
  }
  return found;
}

bool DistributionAnalysis::SameShard(const Distribution& a, const Distribution& b) {
  if (a.pinned_by_outer || b.pinned_by_outer) {
    // Both on the shard of one enclosing row.
    return a.pinned_by_outer == b.pinned_by_outer && SameRing(*a.ring_table, *b.ring_table) &&
           dialect_.EqualityHashesAlike(DeclaredColumnType(a.key_type, a.key_collation),
                                        DeclaredColumnType(b.key_type, b.key_collation));
  }
  if (!SameRing(*a.ring_table, *b.ring_table)) return false;
  // The same fixed shard, or the same parameters read through the same key type: alike for any
  // values.
  if (a.choice.key_params.empty() && b.choice.key_params.empty()) {
    return a.choice.fixed == b.choice.fixed;
  }
  if (a.choice.fixed.empty() && b.choice.fixed.empty() &&
      SortedParams(a.choice.key_params) == SortedParams(b.choice.key_params) &&
      dialect_.EqualityHashesAlike(DeclaredColumnType(a.choice.key_type, a.choice.key_collation),
                                   DeclaredColumnType(b.choice.key_type, b.choice.key_collation))) {
    return true;
  }
  // Otherwise only the values can tell; the plan is then for values that route alike.
  std::optional<uint32_t> sa = ShardOf(a), sb = ShardOf(b);
  return sa && sb && *sa == *sb;
}

void DistributionAnalysis::Index(const PlanNode& node) {
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

std::vector<const Expr*> DistributionAnalysis::ScanPredicates(const plan::ScanNode& scan) const {
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

ShardChoice DistributionAnalysis::Choice(const plan::ScanNode& scan, std::string* reason) const {
  const TableInfo& table = *scan.table;
  ShardPruner pruner(dialect_);
  for (const Expr* p : ScanPredicates(scan))
    pruner.AddPredicate(*p);
  ColumnId key = 0;
  for (size_t i = 0; i < scan.column_indexes.size(); ++i) {
    if (scan.column_indexes[i] == table.shard_key) key = scan.outputs[i];
  }
  std::string key_text = scan.alias + "." + table.shard_key_column().name;
  return pruner.Choose(pruner.ValuesOf(key, columns_[key].type), table, key_text, reason);
}

const Distribution& DistributionAnalysis::Of(const PlanNode& node) {
  auto it = memo_.find(&node);
  if (it != memo_.end()) return it->second;
  CheckStackDepth();
  Distribution d = WithExpressions(node, Compute(node));
  return memo_.emplace(&node, std::move(d)).first->second;
}

std::optional<Distribution> DistributionAnalysis::Meet(const Distribution& a,
                                                       const Distribution& b) {
  if (a.router() || b.router()) return std::nullopt;
  if (ReadsNothing(a) && Covers(a, b)) return b;
  if (ReadsNothing(b) && Covers(b, a)) return a;
  if (a.replicated() && b.replicated()) {
    if (!Covers(a, b)) return std::nullopt;
    return a.ring_table ? a : b;
  }
  if (a.replicated()) {
    return b.pinned() && Covers(a, b) ? std::optional<Distribution>(b) : std::nullopt;
  }
  if (b.replicated()) {
    return a.pinned() && Covers(b, a) ? std::optional<Distribution>(a) : std::nullopt;
  }
  if (a.pinned() && b.pinned() && SameShard(a, b)) {
    Distribution out = a;
    out.keys.insert(b.keys.begin(), b.keys.end());
    out.reasons.insert(out.reasons.end(), b.reasons.begin(), b.reasons.end());
    return out;
  }
  return std::nullopt;
}

bool DistributionAnalysis::Evaluable(const Expr& expr, const Distribution& at) {
  bool ok = true;
  VisitExpr(expr, [&](const Expr& sub) {
    if (!ok || !sub.plan) return;
    const Distribution& inner = Of(*sub.plan);
    if (inner.replicated()) {
      ok = Covers(inner, at);
    } else if (ReadsNothing(inner)) {
      ok = true;
    } else if (inner.pinned_by_outer) {
      ok = CorrelatedOnKey(at, inner);
    } else {
      ok = inner.pinned() && Meet(at, inner).has_value() && (at.pinned() || at.replicated());
    }
  });
  return ok;
}

bool DistributionAnalysis::InSubqueryOnKey(const Expr& in, const Distribution& at) {
  if (in.kind != ExprKind::kSubquery || in.subquery_kind != plan::SubqueryKind::kIn || in.negated ||
      in.children.empty() || !at.sharded()) {
    return false;
  }
  const Expr& left = *in.children[0];
  if (left.kind != ExprKind::kColumn || !at.keys.count(left.column)) return false;
  const Distribution& inner = Of(*in.plan);
  if (!inner.sharded() || inner.pinned_by_outer || in.plan->outputs.size() != 1) return false;
  ColumnId out = in.plan->outputs[0];
  return inner.keys.count(out) && SameRing(*at.ring_table, *inner.ring_table) &&
         dialect_.EqualityHashesAlike(DeclaredColumnType(at.key_type, at.key_collation),
                                      DeclaredColumnType(inner.key_type, inner.key_collation)) &&
         dialect_.ComparisonCollation(left.type, columns_[out].type) == at.key_collation;
}

Distribution DistributionAnalysis::WithExpressions(const PlanNode& node, Distribution d) {
  if (d.router()) return d;
  for (const Expr* e : NodeExpressions(node)) {
    bool ok = true;
    VisitExpr(*e, [&](const Expr& sub) {
      if (!ok || !sub.plan) return;
      const Distribution& inner = Of(*sub.plan);
      if (inner.replicated()) {
        ok = Covers(inner, d);
        return;
      }
      if (ReadsNothing(inner)) return;
      // Correlated on the key: each row's subquery reads only rows on that row's shard. A
      // projection's or aggregate's expressions see its input's rows, keyed as the input is.
      if (inner.pinned_by_outer) {
        ok = CorrelatedOnKey(d, inner) ||
             (node.children.size() == 1 && CorrelatedOnKey(Of(*node.children[0]), inner));
        return;
      }
      // A subquery over sharded rows runs with its node only where both are on one shard.
      if (inner.pinned()) {
        std::optional<Distribution> met = Meet(d, inner);
        if (met) {
          d = std::move(*met);
          return;
        }
      }
      ok = false;
    });
    if (!ok) return Router();
  }
  return d;
}

Distribution DistributionAnalysis::Compute(const PlanNode& node) {
  switch (node.kind) {
    case NodeKind::kScan: {
      const auto& scan = node.Cast<plan::ScanNode>();
      Distribution d;
      if (scan.table->distribution != DistributionKind::kHash) {
        d.ring_table = scan.table.get();
        return d;
      }
      d.kind = Distribution::Kind::kSharded;
      d.ring_table = scan.table.get();
      for (size_t i = 0; i < scan.column_indexes.size(); ++i) {
        if (scan.column_indexes[i] == scan.table->shard_key) d.keys.insert(scan.outputs[i]);
      }
      d.key_type = scan.table->shard_key_column().type;
      d.key_collation = scan.table->shard_key_column().collation;
      std::string reason;
      d.choice = Choice(scan, &reason);
      for (ColumnId key : d.keys) {
        if (!d.pinned_by_outer) d.pinned_by_outer = OuterKeyEquality(scan, key);
      }
      if (d.pinned_by_outer) {
        reason += fmt::format("; correlated on {} = outer {}",
                              scan.alias + "." + scan.table->shard_key_column().name,
                              columns_[*d.pinned_by_outer].name);
      }
      d.reasons.push_back(reason);
      return d;
    }
    case NodeKind::kValues:
      return Distribution{};
    case NodeKind::kFilter:
    case NodeKind::kSort:
      return Of(*node.children[0]);
    case NodeKind::kProject: {
      Distribution d = Of(*node.children[0]);
      const auto& project = node.Cast<plan::ProjectNode>();
      if (d.sharded()) d.keys = MapKeys(d.keys, project.exprs, project.outputs);
      return d;
    }
    case NodeKind::kJoin:
      return ComputeJoin(node.Cast<plan::JoinNode>());
    case NodeKind::kAggregate: {
      Distribution d = Of(*node.children[0]);
      if (!d.sharded()) return d;
      const auto& agg = node.Cast<plan::AggregateNode>();
      // Grouped by the shard key, every group lives on one shard.
      std::set<ColumnId> keys = MapKeys(d.keys, agg.groups, agg.outputs);
      if (keys.empty() && !d.pinned()) return Router();
      d.keys = std::move(keys);
      return d;
    }
    case NodeKind::kDistinct: {
      Distribution d = Of(*node.children[0]);
      if (!d.sharded() || d.pinned()) return d;
      bool key_kept = std::any_of(node.outputs.begin(), node.outputs.end(),
                                  [&](ColumnId id) { return d.keys.count(id) > 0; });
      return key_kept ? d : Router();
    }
    case NodeKind::kWindow: {
      Distribution d = Of(*node.children[0]);
      if (!d.sharded() || d.pinned()) return d;
      // A window partitioned by the shard key sees all its rows on one shard.
      for (const auto& w : node.Cast<plan::WindowNode>().windows) {
        bool by_key = std::any_of(
            w->window->partition_by.begin(), w->window->partition_by.end(),
            [&](const auto& e) { return e->kind == ExprKind::kColumn && d.keys.count(e->column); });
        if (!by_key) return Router();
      }
      return d;
    }
    case NodeKind::kLimit: {
      Distribution d = Of(*node.children[0]);
      return d.sharded() && !d.pinned() && !ReadsNothing(d) ? Router() : d;
    }
    case NodeKind::kSetOp: {
      std::optional<Distribution> met = Meet(Of(*node.children[0]), Of(*node.children[1]));
      if (!met) return Router();
      met->keys.clear();  // the outputs are new columns
      return *met;
    }
    case NodeKind::kMaterialize: {
      // Computed by its own routes, then copied to every shard of the target's ring: there it is
      // reference data.
      Distribution d;
      d.ring_table = node.Cast<plan::MaterializeNode>().target.get();
      return d;
    }
    case NodeKind::kInsert:
    case NodeKind::kUpdate:
    case NodeKind::kDelete:
      break;
  }
  return Router();
}

Distribution DistributionAnalysis::ComputeJoin(const plan::JoinNode& join) {
  const Distribution& l = Of(*join.children[0]);
  const Distribution& r = Of(*join.children[1]);
  if (l.router() || r.router()) return Router();
  plan::JoinKind kind = join.join_kind;
  bool inner = kind == plan::JoinKind::kInner || kind == plan::JoinKind::kCross;
  if (l.replicated() && r.replicated()) return Meet(l, r).value_or(Router());
  // A reference table joins a distributed one on every shard as long as its rows are not the
  // preserved side of an outer join (they would come back once per shard).
  if (l.sharded() && r.replicated() && Covers(r, l) &&
      (inner || kind == plan::JoinKind::kLeft || l.pinned())) {
    return l;
  }
  if (r.sharded() && l.replicated() && Covers(l, r) &&
      (inner || kind == plan::JoinKind::kRight || r.pinned())) {
    return r;
  }
  if (!l.sharded() || !r.sharded()) return Router();
  // Two distributed sides are co-located when joined on their shard keys on the same ring, and
  // the keys store equal values alike. One equality of the keys under their collation is enough.
  bool on_keys = false;
  if (join.condition && SameRing(*l.ring_table, *r.ring_table) &&
      dialect_.EqualityHashesAlike(DeclaredColumnType(l.key_type, l.key_collation),
                                   DeclaredColumnType(r.key_type, r.key_collation))) {
    plan::ForEachConjunct(*join.condition, [&](const Expr& e) {
      if (e.kind != ExprKind::kBinary || e.binary_op != ast::BinaryOp::kEq ||
          e.left().kind != ExprKind::kColumn || e.right().kind != ExprKind::kColumn) {
        return;
      }
      ColumnId a = e.left().column, b = e.right().column;
      if ((l.keys.count(a) && r.keys.count(b)) || (l.keys.count(b) && r.keys.count(a))) {
        on_keys = on_keys ||
                  dialect_.ComparisonCollation(e.left().type, e.right().type) == l.key_collation;
      }
    });
  }
  if (!on_keys) {
    // Not co-located, but every row both sides read may still be on one shard.
    std::optional<Distribution> met = Meet(l, r);
    return met ? *met : Router();
  }
  Distribution out = l;
  out.keys.insert(r.keys.begin(), r.keys.end());
  out.reasons.insert(out.reasons.end(), r.reasons.begin(), r.reasons.end());
  // Pinned by an enclosing row when the rows kept are all from a side that is.
  switch (kind) {
    case plan::JoinKind::kInner:
    case plan::JoinKind::kCross:
      out.choice = IntersectChoices(l.choice, r.choice);
      if (!out.pinned_by_outer) out.pinned_by_outer = r.pinned_by_outer;
      break;
    case plan::JoinKind::kLeft:
      out.choice = l.choice;
      break;
    case plan::JoinKind::kRight:
      out.choice = r.choice;
      out.pinned_by_outer = r.pinned_by_outer;
      break;
    case plan::JoinKind::kFull:
      out.choice = UnionChoices(l.choice, r.choice);
      if (l.pinned_by_outer != r.pinned_by_outer) out.pinned_by_outer.reset();
      break;
  }
  return out;
}

}  // namespace shardql
