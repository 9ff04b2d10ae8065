// SettleSubqueryFilters: a general-path fetch applies a scan's filters on the shard where each
// row is (distributor_fetch_filter.cpp), subqueries included when they run there whole —
// correlated on the shard key, an IN on the key. The merge engine then runs the statement again
// over the fetched rows, and would run those subqueries again too, over copies of the tables they
// read. When the fetch kept such a conjunct whole, every row it sent meets it, so the merge
// engine's copy of the statement leaves it out (TRUE where no conjunct is left), and the tables
// only it read are not fetched at all: TPC-H Q21's l2 and l3, Q18's HAVING subquery.
//
//   Filter(l1.x AND EXISTS(l2 ...) AND NOT EXISTS(l3 ...))      Filter(l1.x AND TRUE AND TRUE)
//     Scan l1                                            ==>      Scan l1   (fetched WHERE l1.x
//                                                                 AND EXISTS ... AND NOT EXISTS)
//
// Safe because: the conjunct restricts the scan's rows where it stands (ScanPredicates: a WHERE
// or inner-join condition, or the ON of a join the scan is null-supplying in, never above an
// outer join, aggregate or limit); the fetch's copy is the same predicate evaluated where it
// gives one database's answer; and the scan is the only one the merge engine reads its table
// through — a fetch serves every scan of its table, and another scan's rows need not meet it.

#include <fmt/format.h>

#include <map>
#include <set>

#include "planner/distributor_internal.h"
#include "planner/plan_visitor.h"

namespace shardql::distribute {

using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::NodeKind;
using plan::PlanNode;
using plan::ScanNode;

namespace {

struct Candidate {
  const ScanNode* scan;
  const Expr* predicate;
  size_t index;  // of the conjunct in the predicate
  const Expr* conjunct;
};

// The scans inside `e`'s subqueries, nested ones included.
void CollectScans(const Expr& e, std::set<const PlanNode*>& out) {
  VisitExpr(e, [&](const Expr& sub) {
    if (!sub.plan) return;
    VisitPlan(
        *sub.plan,
        [&](const PlanNode& n) {
          if (n.kind == NodeKind::kScan) out.insert(&n);
        },
        true);
  });
}

}  // namespace

SettledFilters SettleSubqueryFilters(Context& ctx, const PlanNode& root) {
  SettledFilters settled;
  std::vector<Candidate> candidates;
  VisitPlan(root, [&](const PlanNode& n) {
    if (n.kind != NodeKind::kScan) return;
    const auto& scan = n.Cast<ScanNode>();
    for (const Expr* p : ctx.analysis.ScanPredicates(scan)) {
      size_t i = 0;
      plan::ForEachConjunct(*p, [&](const Expr& c) {
        if (plan::ContainsKind(c, ExprKind::kSubquery) && FetchKeepsWhole(ctx, scan, c)) {
          candidates.push_back({&scan, p, i, &c});
        }
        ++i;
      });
    }
  });
  if (candidates.empty() || !ctx.Enabled(kSettleSubqueryFilters)) return settled;

  // Settling a scan's conjuncts takes their subqueries' scans out of the merge engine, which may
  // leave another settled scan its table's only one: drop candidates until none shares a table.
  for (bool dropped = true; dropped;) {
    dropped = false;
    std::set<const PlanNode*> hidden;
    for (const Candidate& c : candidates)
      CollectScans(*c.conjunct, hidden);
    std::map<std::string, int> scans_of_table;
    VisitPlan(
        root,
        [&](const PlanNode& n) {
          if (n.kind == NodeKind::kScan && !hidden.count(&n)) {
            ++scans_of_table[n.Cast<ScanNode>().table->name];
          }
        },
        true);
    size_t before = candidates.size();
    std::erase_if(candidates,
                  [&](const Candidate& c) { return scans_of_table[c.scan->table->name] != 1; });
    dropped = candidates.size() != before;
  }

  std::map<const ScanNode*, int> per_scan;
  for (const Candidate& c : candidates) {
    settled.conjuncts[c.predicate].insert(c.index);
    VisitExpr(*c.conjunct, [&](const Expr& sub) {
      if (sub.plan) settled.subqueries.insert(&sub);
    });
    CollectScans(*c.conjunct, settled.scans);
    ++per_scan[c.scan];
  }
  for (const auto& [scan, count] : per_scan) {
    ctx.Record(
        kSettleSubqueryFilters, TraceOutcome::kFired,
        fmt::format("{}: {} subquery condition(s) applied by its fetch", scan->alias, count));
  }
  return settled;
}

void DropSettledFilters(PlanNode& query, const PlanNode& root, const SettledFilters& settled) {
  if (settled.conjuncts.empty()) return;
  auto strip = [&](ExprPtr& copy, const Expr* original) {
    auto it = settled.conjuncts.find(original);
    if (it == settled.conjuncts.end()) return;
    std::vector<ExprPtr> kept;
    size_t i = 0;
    for (ExprPtr& c : plan::SplitConjuncts(std::move(copy))) {
      if (!it->second.count(i++)) kept.push_back(std::move(c));
    }
    copy = kept.empty() ? plan::MakeConstant(Value::Boolean(true))
                        : plan::JoinConjuncts(std::move(kept));
  };
  if (root.kind == NodeKind::kFilter) {
    strip(query.Cast<plan::FilterNode>().predicate, root.Cast<plan::FilterNode>().predicate.get());
  } else if (root.kind == NodeKind::kJoin) {
    strip(query.Cast<plan::JoinNode>().condition, root.Cast<plan::JoinNode>().condition.get());
  }
  for (size_t i = 0; i < root.children.size(); ++i)
    DropSettledFilters(*query.children[i], *root.children[i], settled);
}

}  // namespace shardql::distribute
