// ComputeSharedCtesOnce: inside a general-path statement, a CTE the statement reads more than
// once (`WITH s AS (SELECT a, count(*) ... GROUP BY a) ... FROM s x JOIN s y ...`) is computed
// once by the shards (a route, a scatter, a two-phase aggregate), and its rows are loaded into one
// table of the merge engine that every reference reads, instead of the merge engine fetching the
// CTE's tables and computing the CTE once per reference.
//
// The binder expands each reference on its own (fresh column ids) and marks the expansion's root
// with the CTE it came from (PlanNode::cte_reference). Rules may since have rewritten one
// expansion and not another, so the references are taken as one computation only when they
// render to the same SQL once their column ids are matched node by node. Safe because then each
// reference reads exactly the rows the CTE computes, as one database computes a CTE read twice
// once (SQLite and PostgreSQL materialise it). Refused: a CTE correlated with an enclosing query,
// one with a subquery or a volatile call (random() would be drawn once instead of per reference),
// one that joins (its rows may outnumber what the fetches move), an explicit COLLATE on an output
// (the loaded table could not carry it).

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "planner/distributor_internal.h"
#include "planner/function_catalog.h"
#include "planner/plan_visitor.h"

namespace shardql::distribute {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

namespace {

// Matches the column ids `b` defines with those `a` defines at the same place, node by node;
// false when the two trees differ in shape.
bool MatchOutputs(const PlanNode& a, const PlanNode& b, std::map<ColumnId, ColumnId>& ids) {
  if (a.kind != b.kind || a.children.size() != b.children.size() ||
      a.outputs.size() != b.outputs.size()) {
    return false;
  }
  for (size_t i = 0; i < a.outputs.size(); ++i)
    ids[b.outputs[i]] = a.outputs[i];
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!MatchOutputs(*a.children[i], *b.children[i], ids)) return false;
  }
  return true;
}

void RenameOutputs(PlanNode& node, const std::map<ColumnId, ColumnId>& ids) {
  for (ColumnId& id : node.outputs) {
    auto it = ids.find(id);
    if (it != ids.end()) id = it->second;
  }
  for (plan::PlanPtr& child : node.children)
    RenameOutputs(*child, ids);
}

// Whether `b` computes what `a` (rendered as `a_sql`) does: the same SQL once b's column ids are
// a's.
bool SameComputation(Context& ctx, const PlanNode& a, const std::string& a_sql, const PlanNode& b) {
  std::map<ColumnId, ColumnId> ids;
  if (!MatchOutputs(a, b, ids)) return false;
  plan::PlanPtr renamed = b.Clone();
  RenameOutputs(*renamed, ids);
  plan::RewriteExprs(*renamed, [&](plan::ExprPtr& e) {
    auto it = e->kind == ExprKind::kColumn ? ids.find(e->column) : ids.end();
    if (it != ids.end()) e->column = it->second;
  });
  return ctx.dialect.RenderPlan(*renamed, ctx.columns) == a_sql;
}

// Why the CTE whose expansion `root` is cannot be computed once on the shards; empty when it can.
std::string Refusal(Context& ctx, const PlanNode& root) {
  std::set<ColumnId> defined = plan::DefinedColumns(root);
  std::string why;
  VisitPlan(
      root,
      [&](const PlanNode& n) {
        if (!why.empty()) return;
        if (n.kind == NodeKind::kJoin) why = "it joins: its rows may outnumber its tables'";
        if (n.kind == NodeKind::kMaterialize) why = "it copies a table to shards";
        for (const Expr* e : NodeExpressions(n)) {
          VisitExpr(*e, [&](const Expr& sub) {
            if (!why.empty()) return;
            if (sub.kind == ExprKind::kSubquery) why = "it has a subquery";
            if (sub.kind == ExprKind::kColumn && !defined.count(sub.column)) {
              why = "it reads a column of an enclosing query";
            }
            if (sub.kind == ExprKind::kFunction &&
                ctx.dialect.Functions().VolatilityOf(sub.name) == Volatility::kVolatile) {
              why = fmt::format("{}() may differ per reference", sub.name);
            }
          });
        }
      },
      false);
  if (why.empty() && !ReadsTables(root)) why = "it reads no table";
  for (ColumnId id : root.outputs) {
    if (why.empty() && ctx.columns[id].type.collation_source == CollationSource::kExplicit) {
      why = "an output has an explicit COLLATE";
    }
  }
  return why;
}

// Why the statement reads rows in an order that one database's CTE would fix and a loaded table
// would not (the loaded rows come in the order the shards answer); empty when nothing does: a
// LIMIT, a window, an aggregate other than count, sum, total, avg, min and max (group_concat
// joins in row order), a grouped query's bare column, a scalar subquery that may meet several
// rows (SQLite takes the first).
std::string OrderSensitivity(const PlanNode& root) {
  static const std::set<std::string> kOrderFree = {"count", "sum", "total", "avg", "min", "max"};
  std::string why;
  VisitPlan(
      root,
      [&](const PlanNode& n) {
        if (why.empty() && n.kind == NodeKind::kLimit) why = "the statement has a LIMIT";
        for (const Expr* e : NodeExpressions(n)) {
          VisitExpr(*e, [&](const Expr& sub) {
            if (!why.empty()) return;
            if (sub.kind == ExprKind::kWindow) why = "the statement has a window";
            if (sub.kind == ExprKind::kAggregate && !kOrderFree.count(sub.name)) {
              why = fmt::format("{} depends on the order of its rows", sub.name);
            }
            if (sub.kind == ExprKind::kSubquery &&
                sub.subquery_kind == plan::SubqueryKind::kScalar) {
              std::optional<BlockParts> parts = PeelBlock(*sub.plan);
              if (!parts || parts->setop || !parts->aggregate ||
                  !parts->aggregate->groups.empty() || parts->limit) {
                why = "a scalar subquery may meet several rows";
              }
            }
          });
        }
      },
      true);
  return why;
}

}  // namespace

SharedCteResults ComputeSharedCtesOnce(Context& ctx, const PlanNode& root,
                                       const std::set<const PlanNode*>& taken) {
  // Every expansion of each CTE the merge engine would compute, in the order the statement reads
  // them; not one inside a subquery the shards answer.
  std::map<uint32_t, std::vector<const PlanNode*>> references;
  VisitPlan(
      root,
      [&](const PlanNode& n) {
        if (!n.cte_reference) return;
        bool answered = false;
        VisitPlan(
            n, [&](const PlanNode& s) { answered = answered || taken.count(&s); }, true);
        if (!answered) references[n.cte_reference].push_back(&n);
      },
      true);
  SharedCteResults results;
  std::string order = OrderSensitivity(root);
  std::map<uint32_t, std::vector<const PlanNode*>> eligible;
  for (const auto& [cte, nodes] : references) {
    if (nodes.size() < 2) continue;
    const PlanNode& first = *nodes.front();
    std::string why = order.empty() ? Refusal(ctx, first) : order;
    std::string first_sql = why.empty() ? ctx.dialect.RenderPlan(first, ctx.columns) : "";
    for (size_t i = 1; i < nodes.size() && why.empty(); ++i) {
      if (!SameComputation(ctx, first, first_sql, *nodes[i])) {
        why = "its references were rewritten apart";
      }
    }
    if (why.empty() && !ctx.Enabled(kComputeSharedCtesOnce)) continue;
    if (!why.empty()) {
      ctx.Record(kComputeSharedCtesOnce, TraceOutcome::kRejected,
                 fmt::format("a CTE read {} times: {}", nodes.size(), why));
      continue;
    }
    eligible[cte] = nodes;
  }
  // A CTE read only inside another one computed once (WITH u AS (…), s AS (… FROM u …) with s
  // read twice) is computed with it on the shards: a table of its own would go unread.
  std::map<uint32_t, std::set<const PlanNode*>> inside;
  for (const auto& [cte, nodes] : eligible) {
    std::set<const PlanNode*>& below = inside[cte];
    for (const PlanNode* n : nodes) {
      VisitPlan(
          *n, [&below](const PlanNode& d) { below.insert(&d); }, true);
      below.erase(n);
    }
  }
  auto read_only_inside = [&inside](uint32_t cte, const std::vector<const PlanNode*>& nodes) {
    for (const auto& entry : inside) {
      const std::set<const PlanNode*>& below = entry.second;
      if (entry.first == cte) continue;
      if (std::all_of(nodes.begin(), nodes.end(),
                      [&below](const PlanNode* n) { return below.count(n) > 0; })) {
        return true;
      }
    }
    return false;
  };
  for (const auto& [cte, nodes] : eligible) {
    if (read_only_inside(cte, nodes)) continue;
    const PlanNode& first = *nodes.front();
    std::string name = fmt::format("shardql_cte_{}", results.tables.size() + 1);
    size_t mark = ctx.TraceMark();
    std::optional<SubPlan> computed = TryDistribute(ctx, first);
    if (!computed) {
      ctx.TraceBackTo(mark);
      ctx.Record(
          kComputeSharedCtesOnce, TraceOutcome::kRejected,
          fmt::format("a CTE read {} times: the shards cannot compute it alone", nodes.size()));
      continue;
    }
    auto table = std::make_shared<TableInfo>();
    table->name = name;
    TempTableLoad load;
    load.table = name;
    for (ColumnId id : first.outputs) {
      const plan::ColumnMeta& meta = ctx.columns[id];
      ColumnInfo col;
      col.name = fmt::format("c{}", table->columns.size() + 1);
      if (meta.type.declared) col.type = meta.type.type;
      col.collation = KeyCollation(meta.type);
      load.column_definitions.push_back(
          ctx.dialect.RenderColumnDefinition(col.name, col.type, col.collation));
      table->columns.push_back(col);
    }
    load.computed = std::move(computed->root);
    ctx.Record(kComputeSharedCtesOnce, TraceOutcome::kFired,
               fmt::format("a CTE read {} times computed once into {}: {}", nodes.size(), name,
                           computed->strategy));
    for (const PlanNode* n : nodes) {
      VisitPlan(
          *n,
          [&](const PlanNode& s) {
            if (s.kind == NodeKind::kScan) results.scans.insert(&s);
          },
          false);
    }
    results.tables[cte] = std::move(table);
    results.loads.push_back(std::move(load));
  }
  return results;
}

namespace {

class ReadSharedCtes : public plan::PlanMutator {
 public:
  ReadSharedCtes(Context& ctx, const SharedCteResults& results)
      : PlanMutator(true), ctx_(ctx), results_(results) {}

 protected:
  void VisitNode(plan::PlanPtr& node) override {
    auto it = results_.tables.find(node->cte_reference);
    if (!node->cte_reference || it == results_.tables.end()) return;
    std::vector<bool> typed;
    for (ColumnId id : node->outputs)
      typed.push_back(ctx_.columns[id].type.declared);  // as the table was made
    node = ReadResultTable(ctx_, it->second, it->second->name, node->outputs, typed);
  }

 private:
  Context& ctx_;
  const SharedCteResults& results_;
};

}  // namespace

void ReadSharedCteResults(Context& ctx, plan::PlanPtr& query, const SharedCteResults& results) {
  if (!results.tables.empty()) ReadSharedCtes(ctx, results).Walk(query);
}

}  // namespace shardql::distribute
