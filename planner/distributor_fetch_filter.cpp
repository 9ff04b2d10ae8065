// What a shard checks before a general-path fetch sends a table's rows to the router: the fewer
// rows move, the less the router loads and joins. Every filter here is implied by the statement
// (a row it drops could not change the answer), so the merge engine, which runs the whole
// statement again over what arrives, gives one database's answer.
//
//   own       what the scan's WHERE and inner-join conditions say about its own columns; a
//             disjunction contributes the disjunction of what each branch says (TPC-H Q19);
//             subqueries that run on the row's shard are kept (correlated on its key, an IN on
//             its key, reference tables only).
//   partners  a semi-join with the tables joined to the scan on the shard key (transitively:
//             orders, lineitem ON l_orderkey = o_orderkey): a row without a partner on its own
//             shard has none anywhere. TPC-H Q5 moves the year's orders and their lineitems
//             instead of both tables.
//   outer     a scan in a subquery correlated on its key with an enclosing scan's key needs only
//             the rows of enclosing rows that can count (TPC-H Q21's l2 and l3).
//
// Semi-joins are added only where the partner's shard key leads an index on the shards, so each
// row costs one seek there, never a scan.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "planner/distributor_internal.h"
#include "planner/plan_visitor.h"

namespace shardql::distribute {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::ScanNode;

namespace {

// A predicate without volatile calls (subqueries included) gives the same answer on a shard as in
// the merge engine.
bool Deterministic(const Expr& e, const FunctionCatalog& functions) {
  bool ok = true;
  VisitExpr(
      e,
      [&](const Expr& sub) {
        if (sub.kind == ExprKind::kFunction &&
            functions.VolatilityOf(sub.name) == Volatility::kVolatile) {
          ok = false;
        }
      },
      true);
  return ok;
}

// Renames columns per `ids`, subqueries' references to enclosing columns included; a column a
// subquery defines itself keeps its id (a semi-join's subquery may scan the fetched table again).
void Remap(Expr& e, const std::map<ColumnId, ColumnId>& ids) {
  auto it = e.kind == ExprKind::kColumn ? ids.find(e.column) : ids.end();
  if (it != ids.end()) e.column = it->second;
  for (auto& child : e.children) {
    if (child) Remap(*child, ids);
  }
  if (!e.plan) return;
  std::map<ColumnId, ColumnId> outer = ids;
  for (ColumnId id : plan::DefinedColumns(*e.plan))
    outer.erase(id);
  plan::RewriteExprs(*e.plan, [&](ExprPtr& sub) {
    auto found = sub->kind == ExprKind::kColumn ? outer.find(sub->column) : outer.end();
    if (found != outer.end()) sub->column = found->second;
  });
}

// The columns `e` reads from outside it: its own, and its subqueries' references to enclosing
// blocks (not the columns the subqueries define).
std::vector<ColumnId> FreeColumns(const Expr& e) {
  std::set<ColumnId> defined;
  VisitExpr(
      e,
      [&](const Expr& sub) {
        if (!sub.plan) return;
        std::set<ColumnId> more = plan::DefinedColumns(*sub.plan);
        defined.insert(more.begin(), more.end());
      },
      true);
  std::vector<ColumnId> out;
  for (ColumnId id : ReferencedColumns(e, true)) {
    if (!defined.count(id)) out.push_back(id);
  }
  return out;
}

// The shard key's column as `scan` outputs it, if it reads it.
std::optional<ColumnId> KeyOf(const ScanNode& scan) {
  if (scan.table->distribution != DistributionKind::kHash) return std::nullopt;
  for (size_t i = 0; i < scan.column_indexes.size(); ++i) {
    if (scan.column_indexes[i] == scan.table->shard_key) return scan.outputs[i];
  }
  return std::nullopt;
}

bool IsColumnEquality(const Expr& e) {
  return e.kind == ExprKind::kBinary && e.binary_op == ast::BinaryOp::kEq &&
         e.left().kind == ExprKind::kColumn && e.right().kind == ExprKind::kColumn;
}

class FetchFilterBuilder {
 public:
  FetchFilterBuilder(Context& ctx, int& aliases) : ctx_(ctx), aliases_(aliases) {}

  // Whether Build(scan) keeps `conjunct`, one of the scan's conditions, whole: an atom (not AND
  // or OR, which may keep only part) of the scan's own columns whose subqueries run there.
  bool KeepsWhole(const ScanNode& scan, const Expr& conjunct) {
    if (conjunct.kind == ExprKind::kBinary &&
        (conjunct.binary_op == ast::BinaryOp::kAnd || conjunct.binary_op == ast::BinaryOp::kOr)) {
      return false;
    }
    renamed_ = {&scan};
    std::set<ColumnId> own(scan.outputs.begin(), scan.outputs.end());
    return OwnFilter(conjunct, own, {&scan}) != nullptr;
  }

  ExprPtr Build(const ScanNode& scan, const std::map<ColumnId, ColumnId>& ids) {
    renamed_ = {&scan};
    std::vector<ExprPtr> conjuncts;
    std::set<ColumnId> own(scan.outputs.begin(), scan.outputs.end());
    for (const Expr* predicate : ctx_.analysis.ScanPredicates(scan)) {
      if (ExprPtr implied = OwnFilter(*predicate, own, {&scan}))
        conjuncts.push_back(std::move(implied));
    }
    if (ctx_.settings.Enabled(kSemiJoinCoLocatedFetches.name)) {
      ExprPtr semis[] = {PartnerSemiJoin(scan), OuterSemiJoin(scan)};
      for (ExprPtr& semi : semis) {
        if (!semi) continue;
        std::vector<std::string> tables;
        VisitPlan(*semi->plan, [&](const plan::PlanNode& n) {
          if (n.kind == plan::NodeKind::kScan) tables.push_back(n.Cast<ScanNode>().table->name);
        });
        ctx_.Record(kSemiJoinCoLocatedFetches, TraceOutcome::kFired,
                    fmt::format("{} rows with a partner in {} on their shard", scan.alias,
                                fmt::join(tables, ", ")));
        conjuncts.push_back(std::move(semi));
      }
    }
    ExprPtr filter = plan::JoinConjuncts(std::move(conjuncts));
    if (filter) Remap(*filter, ids);
    return filter;
  }

 private:
  // Whether the shard where a row of one of `members` is can evaluate `e`'s subqueries. A
  // subquery that scans one of the scans the filter reads through new columns is left out: its
  // copy would define the very columns being renamed (Q21's l2 is inside l1's EXISTS).
  bool SubqueriesRunThere(const Expr& e, const std::vector<const ScanNode*>& members) {
    if (!plan::ContainsKind(e, ExprKind::kSubquery)) return true;
    bool renamed = false;
    VisitExpr(
        e,
        [&](const Expr& sub) {
          if (!sub.plan) return;
          VisitPlan(
              *sub.plan, [&](const plan::PlanNode& n) { renamed = renamed || renamed_.count(&n); },
              true);
        },
        true);
    if (renamed) return false;
    for (const ScanNode* m : members) {
      const Distribution& at = ctx_.analysis.Of(*m);
      if (at.replicated()) {
        // A reference table's fetch runs on any one shard: only reference data is whole there
        // (a subquery pinned to another shard would find nothing).
        bool replicated = true;
        VisitExpr(e, [&](const Expr& sub) {
          if (sub.plan) replicated = replicated && ctx_.analysis.Of(*sub.plan).replicated();
        });
        if (replicated) return true;
        continue;
      }
      if (ctx_.analysis.InSubqueryOnKey(e, at) || ctx_.analysis.Evaluable(e, at)) return true;
    }
    return false;
  }

  // What `e` being true implies about the columns `own` (of `members`' rows); null when nothing.
  ExprPtr OwnFilter(const Expr& e, const std::set<ColumnId>& own,
                    const std::vector<const ScanNode*>& members) {
    if (e.kind == ExprKind::kBinary &&
        (e.binary_op == ast::BinaryOp::kAnd || e.binary_op == ast::BinaryOp::kOr)) {
      ExprPtr l = OwnFilter(e.left(), own, members);
      ExprPtr r = OwnFilter(e.right(), own, members);
      if (e.binary_op == ast::BinaryOp::kOr) {
        return l && r ? plan::MakeBinary(ast::BinaryOp::kOr, std::move(l), std::move(r)) : nullptr;
      }
      if (!l || !r) return l ? std::move(l) : std::move(r);
      return plan::MakeBinary(ast::BinaryOp::kAnd, std::move(l), std::move(r));
    }
    std::vector<ColumnId> used = FreeColumns(e);
    bool own_only = !used.empty() && std::all_of(used.begin(), used.end(),
                                                 [&](ColumnId id) { return own.count(id); });
    if (!own_only || !Deterministic(e, ctx_.dialect.Functions()) ||
        !SubqueriesRunThere(e, members)) {
      return nullptr;
    }
    ExprPtr copy = e.Clone();
    SimplifyExists(*copy);
    return copy;
  }

  // Whether `a` and `b`, hash-distributed, place equal keys on one shard.
  bool KeysAlike(const ScanNode& a, const ScanNode& b) const {
    const ColumnInfo& ka = a.table->shard_key_column();
    const ColumnInfo& kb = b.table->shard_key_column();
    return SameRing(*a.table, *b.table) &&
           ctx_.dialect.EqualityHashesAlike(DeclaredColumnType(ka.type, ka.collation),
                                            DeclaredColumnType(kb.type, kb.collation));
  }

  // Whether `e` equates `key` with one of `keys` under the key's collation.
  bool LinksKey(const Expr& e, ColumnId key, const std::set<ColumnId>& keys,
                Collation collation) const {
    if (!IsColumnEquality(e)) return false;
    ColumnId a = e.left().column, b = e.right().column;
    if (b == key) std::swap(a, b);
    return a == key && keys.count(b) &&
           ctx_.dialect.ComparisonCollation(e.left().type, e.right().type) == collation;
  }

  // EXISTS (SELECT 1 FROM partners WHERE conditions): the partners read through fresh columns.
  ExprPtr Exists(const std::vector<const ScanNode*>& partners, std::vector<ExprPtr> conditions) {
    std::map<ColumnId, ColumnId> fresh;
    plan::PlanPtr from;
    for (const ScanNode* p : partners) {
      std::vector<ColumnId> ids;
      for (ColumnId id : p->outputs) {
        ids.push_back(ctx_.columns.Add(ctx_.columns[id]));
        fresh[id] = ids.back();
      }
      auto scan = plan::MakeScan(p->table, fmt::format("shardql_semi_{}", ++aliases_),
                                 p->column_indexes, ids);
      if (from) {
        from = plan::MakeJoin(plan::JoinKind::kCross, std::move(from), std::move(scan), nullptr);
      } else {
        from = std::move(scan);
      }
    }
    ExprPtr condition = plan::JoinConjuncts(std::move(conditions));
    Remap(*condition, fresh);
    plan::PlanPtr body = plan::MakeFilter(std::move(from), std::move(condition));
    std::vector<ExprPtr> one;
    one.push_back(plan::MakeConstant(Value::Integer(1)));
    ColumnId one_id = ctx_.columns.Add({"one", "", ExprType{}});
    auto exists = std::make_unique<Expr>(ExprKind::kSubquery);
    exists->subquery_kind = plan::SubqueryKind::kExists;
    exists->plan = plan::MakeProject(std::move(body), std::move(one), {one_id});
    return exists;
  }

  // The scans joined with `scan` on the shard key (transitively), and a semi-join with them. A
  // condition of the scan's (WHERE, inner-join ON) joins in what it says about a partner only
  // when it is also the partner's: then no outer join lies between them, and every row of the
  // scan that counts has a real partner row meeting it.
  ExprPtr PartnerSemiJoin(const ScanNode& scan) {
    std::optional<ColumnId> key = KeyOf(scan);
    if (!key) return nullptr;
    Collation collation = scan.table->shard_key_column().collation;
    const std::vector<const Expr*> conditions = ctx_.analysis.ScanPredicates(scan);
    std::vector<const ScanNode*> members = {&scan};
    std::vector<std::vector<const Expr*>> member_conditions = {conditions};
    auto holds = [](const std::vector<const Expr*>& list, const Expr* p) {
      return std::find(list.begin(), list.end(), p) != list.end();
    };
    for (bool grew = true; grew;) {
      grew = false;
      for (const ScanNode* t : ctx_.analysis.scans()) {
        std::optional<ColumnId> t_key = KeyOf(*t);
        if (!t_key || !t->shard_key_indexed || !KeysAlike(scan, *t) ||
            std::find(members.begin(), members.end(), t) != members.end()) {
          continue;
        }
        std::vector<const Expr*> theirs = ctx_.analysis.ScanPredicates(*t);
        bool linked = false;
        for (const Expr* p : conditions) {
          if (!holds(theirs, p)) continue;
          // Keys of the members this condition is also a condition of.
          std::set<ColumnId> keys;
          for (size_t i = 0; i < members.size(); ++i) {
            if (holds(member_conditions[i], p)) keys.insert(*KeyOf(*members[i]));
          }
          plan::ForEachConjunct(
              *p, [&](const Expr& e) { linked = linked || LinksKey(e, *t_key, keys, collation); });
        }
        if (!linked) continue;
        members.push_back(t);
        member_conditions.push_back(std::move(theirs));
        grew = true;
      }
    }
    if (members.size() == 1) return nullptr;
    renamed_.insert(members.begin(), members.end());
    // The scan's own conditions are already the fetch's; the semi-join needs the rest.
    std::set<ColumnId> scans_own(scan.outputs.begin(), scan.outputs.end());
    std::vector<ExprPtr> semi_conditions;
    for (const Expr* p : conditions) {
      std::vector<const ScanNode*> valid;
      std::set<ColumnId> own;
      for (size_t i = 0; i < members.size(); ++i) {
        if (!holds(member_conditions[i], p)) continue;
        valid.push_back(members[i]);
        own.insert(members[i]->outputs.begin(), members[i]->outputs.end());
      }
      for (ExprPtr& c : plan::SplitConjuncts(OwnFilter(*p, own, valid))) {
        std::vector<ColumnId> used = FreeColumns(*c);
        if (!std::all_of(used.begin(), used.end(),
                         [&](ColumnId id) { return scans_own.count(id); })) {
          semi_conditions.push_back(std::move(c));
        }
      }
    }
    members.erase(members.begin());
    return Exists(members, std::move(semi_conditions));
  }

  // A scan in a subquery correlated on its key with an enclosing scan's key: a semi-join with the
  // enclosing rows that can count.
  ExprPtr OuterSemiJoin(const ScanNode& scan) {
    std::optional<ColumnId> key = KeyOf(scan);
    const Distribution& d = ctx_.analysis.Of(scan);
    if (!key || !d.pinned_by_outer) return nullptr;
    const ScanNode* outer = nullptr;
    for (const ScanNode* s : ctx_.analysis.scans()) {
      if (KeyOf(*s) == d.pinned_by_outer) outer = s;
    }
    if (!outer || !outer->shard_key_indexed || !KeysAlike(scan, *outer)) return nullptr;
    renamed_.insert(outer);
    std::set<ColumnId> own(outer->outputs.begin(), outer->outputs.end());
    std::vector<ExprPtr> conditions;
    conditions.push_back(plan::MakeBinary(
        ast::BinaryOp::kEq, plan::MakeColumn(*key, ctx_.columns[*key].type),
        plan::MakeColumn(*d.pinned_by_outer, ctx_.columns[*d.pinned_by_outer].type)));
    // The enclosing rows that can count are those meeting its own conditions only when the merge
    // engine's copy of its table holds no other rows: another scan of that table (`t1 y` in a
    // subquery) brings rows that fail them, and the merge engine tests those too. Their subquery
    // must then see all its rows — a NOT EXISTS that failed on the shard for want of these rows
    // would pass — so the semi-join keeps every enclosing key.
    bool table_read_once = std::none_of(
        ctx_.analysis.scans().begin(), ctx_.analysis.scans().end(),
        [&](const ScanNode* s) { return s != outer && s->table->name == outer->table->name; });
    for (const Expr* p : ctx_.analysis.ScanPredicates(*outer)) {
      if (!table_read_once) break;
      if (ExprPtr implied = OwnFilter(*p, own, {outer})) conditions.push_back(std::move(implied));
    }
    return Exists({outer}, std::move(conditions));
  }

  Context& ctx_;
  int& aliases_;
  std::set<const plan::PlanNode*> renamed_;  // the fetched scan and its semi-joins' tables
};

}  // namespace

void SimplifyExists(Expr& e) {
  for (ExprPtr& child : e.children) {
    if (child) SimplifyExists(*child);
  }
  if (!e.plan) return;
  SimplifyExists(*e.plan);
  if (e.subquery_kind == plan::SubqueryKind::kExists && e.plan->kind == plan::NodeKind::kProject) {
    auto& project = e.plan->Cast<plan::ProjectNode>();
    project.exprs.clear();
    project.exprs.push_back(plan::MakeConstant(Value::Integer(1)));
    project.outputs.resize(1);
  }
}

void SimplifyExists(plan::PlanNode& root) {
  plan::RewriteExprs(root, [](ExprPtr& e) {
    if (e->kind == ExprKind::kSubquery) SimplifyExists(*e);
  });
}

ExprPtr FetchFilter(Context& ctx, const ScanNode& scan, const std::map<ColumnId, ColumnId>& ids,
                    int& aliases) {
  return FetchFilterBuilder(ctx, aliases).Build(scan, ids);
}

bool FetchKeepsWhole(Context& ctx, const ScanNode& scan, const Expr& conjunct) {
  int aliases = 0;
  return FetchFilterBuilder(ctx, aliases).KeepsWhole(scan, conjunct);
}

}  // namespace shardql::distribute
