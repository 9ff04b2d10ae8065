// PushPredicatesIntoJoins: a WHERE conjunct that relates the two sides of an inner (or comma)
// join becomes part of that join's condition, so `FROM orders, lineitem WHERE o_orderkey =
// l_orderkey` is placed exactly as `orders JOIN lineitem ON o_orderkey = l_orderkey`: the
// distributor sees the shard keys equated and runs the join co-located on every shard.
//
//   Filter (p1 AND p2 AND p3)                 Filter (p3)
//   └── Join cross                     =>     └── Join inner (p2)
//       ├── Join cross                            ├── Join inner (p1)
//       │   ├── a                                 │   ├── a
//       │   └── b                                 │   └── b
//       └── c                                     └── c
//   p1 relates a and b, p2 relates (a or b) and c, p3 reads one table only.
//
// Each conjunct goes to the lowest join whose two sides it both reads; the rest stay above.
//
// Safe because, for an inner or cross join, filtering the joined rows by p is the same as
// joining with p added to the condition: a row pair is kept exactly when the old condition and p
// are both true. Only inner and cross joins are descended into (for an outer join, a WHERE
// condition removes the padded rows that an ON condition would keep). A conjunct holding a
// subquery or a volatile call stays where it is, so it is evaluated for the same rows as many
// times as before.

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "planner/expression.h"
#include "rules/registry.h"

namespace shardql::rules {
namespace {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::NodeKind;
using plan::PlanNode;
using plan::PlanPtr;

bool IsInnerJoin(const PlanNode& node) {
  if (node.kind != NodeKind::kJoin) return false;
  plan::JoinKind kind = node.Cast<plan::JoinNode>().join_kind;
  return kind == plan::JoinKind::kInner || kind == plan::JoinKind::kCross;
}

bool Reads(const PlanNode& node, const std::vector<ColumnId>& columns) {
  return std::any_of(columns.begin(), columns.end(), [&](ColumnId id) {
    return std::find(node.outputs.begin(), node.outputs.end(), id) != node.outputs.end();
  });
}

bool ReadsOnly(const PlanNode& node, const std::vector<ColumnId>& columns) {
  return std::all_of(columns.begin(), columns.end(), [&](ColumnId id) {
    return std::find(node.outputs.begin(), node.outputs.end(), id) != node.outputs.end();
  });
}

// Adds `conjunct` to the lowest inner join under `join` whose sides it both reads; false when it
// reads columns from outside `join`.
bool Place(PlanNode& join, ExprPtr& conjunct, const std::vector<ColumnId>& columns) {
  if (!ReadsOnly(join, columns)) return false;
  for (PlanPtr& child : join.children) {
    if (IsInnerJoin(*child) && ReadsOnly(*child, columns) && Place(*child, conjunct, columns)) {
      return true;
    }
  }
  if (!Reads(*join.children[0], columns) || !Reads(*join.children[1], columns)) return false;
  auto& node = join.Cast<plan::JoinNode>();
  node.condition = node.condition ? plan::MakeBinary(ast::BinaryOp::kAnd, std::move(node.condition),
                                                     std::move(conjunct))
                                  : std::move(conjunct);
  node.join_kind = plan::JoinKind::kInner;
  return true;
}

class PushPredicatesIntoJoins : public Rule {
 public:
  const char* Name() const override { return "PushPredicatesIntoJoins"; }
  const char* Rationale() const override {
    return "a WHERE condition relating two joined tables joins them, so equal shard keys "
           "co-locate a comma join";
  }
  bool Match(const PlanNode& node) const override {
    return node.kind == NodeKind::kFilter && IsInnerJoin(*node.children[0]);
  }
  PlanPtr Apply(PlanPtr& node, RuleContext& ctx, std::string& message) const override {
    auto& filter = node->Cast<plan::FilterNode>();
    PlanNode& join = *node->children[0];
    std::vector<ExprPtr> kept;
    size_t moved = 0;
    for (ExprPtr& conjunct : plan::SplitConjuncts(std::move(filter.predicate))) {
      std::vector<ColumnId> columns = plan::ReferencedColumns(*conjunct, true);
      bool movable = !columns.empty() && !plan::ContainsKind(*conjunct, ExprKind::kSubquery) &&
                     !plan::ContainsKind(*conjunct, ExprKind::kAggregate) &&
                     !plan::ContainsKind(*conjunct, ExprKind::kWindow) && !Volatile(*conjunct, ctx);
      if (movable && Place(join, conjunct, columns)) {
        ++moved;
      } else {
        kept.push_back(std::move(conjunct));
      }
    }
    filter.predicate = plan::JoinConjuncts(std::move(kept));
    if (moved == 0) {
      message = "no condition relates the two sides of the join";
      return nullptr;  // the node is whole again: nothing moved
    }
    message = fmt::format("{} condition(s) moved into joins", moved);
    if (!filter.predicate) return std::move(node->children[0]);
    return std::move(node);
  }

 private:
  static bool Volatile(const Expr& e, const RuleContext& ctx) {
    bool found = false;
    plan::VisitExpr(e, [&](const Expr& sub) {
      if (sub.kind == ExprKind::kFunction &&
          ctx.dialect.Functions().VolatilityOf(sub.name) == Volatility::kVolatile) {
        found = true;
      }
    });
    return found;
  }
};

}  // namespace

std::unique_ptr<Rule> MakePushPredicatesIntoJoins() {
  return std::make_unique<PushPredicatesIntoJoins>();
}

}  // namespace shardql::rules
