// AnswerSubqueriesOnShards: inside a general-path statement, an uncorrelated subquery that the
// shards can answer without the merge engine (one route, a scatter, a two-phase aggregate grouped
// on the shard key — TPC-H Q18's `IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey
// HAVING ...)`) runs there, and only its rows are loaded, into a table the merge engine's copy of
// the statement reads in the subquery's place.
//
// Which subqueries: IN and quantified comparisons (their rows are a set: the order they arrive in
// does not matter), and scalar subqueries that return exactly one row (an aggregate without
// GROUP BY), where SQLite's "first row" of several could otherwise differ. The result table's
// columns keep the subquery's declared types and collations, so comparisons with them behave as
// with the subquery itself; an explicit COLLATE on an output would not survive and is left alone.

#include <fmt/format.h>

#include "planner/distributor_internal.h"
#include "planner/plan_visitor.h"

namespace shardql::distribute {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::PlanNode;

namespace {

bool Uncorrelated(const PlanNode& plan) {
  std::set<ColumnId> defined = plan::DefinedColumns(plan);
  bool closed = true;
  VisitPlan(
      plan,
      [&](const PlanNode& n) {
        for (const Expr* e : NodeExpressions(n)) {
          for (ColumnId id : ReferencedColumns(*e, true))
            closed = closed && defined.count(id);
        }
      },
      true);
  return closed;
}

bool OneRow(const PlanNode& plan) {
  std::optional<BlockParts> parts = PeelBlock(plan);
  return parts && !parts->setop && parts->aggregate && parts->aggregate->groups.empty() &&
         !parts->limit;
}

class Answerer {
 public:
  Answerer(Context& ctx, const std::set<const Expr*>& settled) : ctx_(ctx), settled_(settled) {}

  void Walk(const PlanNode& node) {
    for (const Expr* e : NodeExpressions(node)) {
      VisitExpr(*e, [&](const Expr& sub) {
        if (sub.plan && !settled_.count(&sub) && !TryAnswer(sub)) Walk(*sub.plan);
      });
    }
    for (const plan::PlanPtr& child : node.children)
      Walk(*child);
  }

  SubqueryResults Take() { return std::move(results_); }

 private:
  bool TryAnswer(const Expr& sub) {
    bool set_like = sub.subquery_kind == plan::SubqueryKind::kIn ||
                    sub.subquery_kind == plan::SubqueryKind::kQuantified;
    bool one_row = sub.subquery_kind == plan::SubqueryKind::kScalar && OneRow(*sub.plan);
    if ((!set_like && !one_row) || !ReadsTables(*sub.plan) || !Uncorrelated(*sub.plan)) {
      return false;
    }
    for (ColumnId id : sub.plan->outputs) {
      if (ctx_.columns[id].type.collation_source == CollationSource::kExplicit) return false;
    }
    if (!ctx_.Enabled(kAnswerSubqueriesOnShards)) return false;
    size_t mark = ctx_.TraceMark();
    std::optional<SubPlan> answered = TryDistribute(ctx_, *sub.plan);
    if (!answered) {
      ctx_.TraceBackTo(mark);
      return false;
    }
    auto table = std::make_shared<TableInfo>();
    table->name = fmt::format("shardql_subquery_{}", results_.tables.size() + 1);
    TempTableLoad load;
    load.table = table->name;
    for (ColumnId id : sub.plan->outputs) {
      const plan::ColumnMeta& meta = ctx_.columns[id];
      ColumnInfo col;
      col.name = fmt::format("c{}", id);
      if (meta.type.declared) col.type = meta.type.type;
      col.collation = KeyCollation(meta.type);
      load.column_definitions.push_back(
          ctx_.dialect.RenderColumnDefinition(col.name, col.type, col.collation));
      table->columns.push_back(col);
    }
    // The merge engine looks values up in it as IN does in a subquery's rows.
    if (set_like)
      load.index_columns.push_back(ctx_.dialect.QuoteIdentifier(table->columns[0].name));
    load.computed = std::move(answered->root);
    ctx_.Record(kAnswerSubqueriesOnShards, TraceOutcome::kFired,
                fmt::format("{}: {}", table->name, answered->strategy));
    VisitPlan(
        *sub.plan,
        [&](const PlanNode& n) {
          if (n.kind == plan::NodeKind::kScan) results_.answered_scans.insert(&n);
        },
        true);
    results_.tables[sub.plan->outputs.front()] = table;
    results_.loads.push_back(std::move(load));
    return true;
  }

  Context& ctx_;
  const std::set<const Expr*>& settled_;  // run by the fetches, not in the merge engine
  SubqueryResults results_;
};

}  // namespace

SubqueryResults AnswerSubqueriesOnShards(Context& ctx, const PlanNode& root,
                                         const std::set<const Expr*>& settled) {
  Answerer answerer(ctx, settled);
  answerer.Walk(root);
  return answerer.Take();
}

void ReadSubqueryResults(Context& ctx, PlanNode& query, const SubqueryResults& results) {
  if (results.tables.empty()) return;
  plan::RewriteExprs(query, [&](plan::ExprPtr& e) {
    if (e->kind != ExprKind::kSubquery || e->plan->outputs.empty()) return;
    auto it = results.tables.find(e->plan->outputs.front());
    if (it == results.tables.end()) return;
    std::vector<bool> typed;
    for (ColumnId id : e->plan->outputs)
      typed.push_back(ctx.columns[id].type.declared);  // as the table was made
    e->plan = ReadResultTable(ctx, it->second, it->second->name, e->plan->outputs, typed);
  });
}

}  // namespace shardql::distribute
