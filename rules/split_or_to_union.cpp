// SplitOrToUnion: a WHERE whose conjunct is a disjunction becomes a UNION ALL of one branch per
// arm, each later branch excluding the rows an earlier one matched, so every row comes out exactly
// as many times as before, NULLs included:
//
//   Project cols                               UnionAll
//   └── Filter r AND (p1 OR p2)        =>      ├── Project cols
//       └── X                                  │   └── Filter r AND p1
//                                              │       └── X
//                                              └── Project cols'
//                                                  └── Filter r AND p2 AND (p1) IS NOT TRUE
//                                                      └── X'            (X with fresh columns)
//
// Why it can pay: each branch is routed on its own. `order_num = 1008` pins its branch to the one
// shard of 1008 while the OR as a whole must visit every shard; branches that reach the same
// shards visit each once (the distributor's CombineBranchRoutes), so the shards that cannot hold
// 1008 no longer look for it. And a branch can seek an index the OR cannot use — an OR whose arms
// read different tables of a join. The driver keeps the rewrite only when the cost model says so.
//
// Why it is exact: a row is in branch i when r and p_i are TRUE and no earlier p_j is; so it is in
// exactly one branch when r and (p1 OR p2 …) are TRUE, in none otherwise. `IS NOT TRUE`, not NOT:
// for a row whose p1 is NULL, NOT p1 is NULL too and the row would be lost (demo query [1.3k]).
// Plain UNION would remove duplicate rows the query returns ([1.3e]).
//
// Safe only when (the rule refuses otherwise, saying which):
//   - nothing in X, the filter or the projection is volatile (random()): each branch evaluates
//     them again and would see other values;
//   - every arm and r can raise no error (columns, constants, parameters, comparisons, AND / OR /
//     NOT, IS [NOT] NULL / TRUE, IN lists, BETWEEN, LIKE): a branch evaluates p2 on rows where the
//     OR might have stopped at p1, and an error the query never raised must not appear;
//   - X holds no subquery, LIMIT or aggregate (a LIMIT without ORDER BY may pick other rows per
//     branch), and no OUTER join (kept simple: inner and cross joins of tables);
//   - the block is a statement's top query, with only ORDER BY / LIMIT (with ORDER BY) above the
//     projection: no DISTINCT, no LIMIT without an order, which the branches would not share.

#include <fmt/format.h>

#include "planner/expression.h"
#include "planner/plan_visitor.h"
#include "rules/registry.h"

namespace shardql::rules {
namespace {

using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::NodeKind;
using plan::PlanNode;
using plan::PlanPtr;

constexpr size_t kMaxArms = 8;

bool IsOr(const Expr& e) {
  return e.kind == ExprKind::kBinary && e.binary_op == ast::BinaryOp::kOr;
}

void CollectArms(const Expr& e, std::vector<const Expr*>& arms) {
  if (IsOr(e)) {
    CollectArms(e.left(), arms);
    CollectArms(e.right(), arms);
    return;
  }
  arms.push_back(&e);
}

bool HasVolatileCall(const Expr& e, const FunctionCatalog& functions) {
  bool found = false;
  plan::VisitExpr(e, [&](const Expr& sub) {
    if ((sub.kind == ExprKind::kFunction || sub.kind == ExprKind::kAggregate) &&
        functions.VolatilityOf(sub.name) == Volatility::kVolatile) {
      found = true;
    }
  });
  return found;
}

// Why X (the rows under the WHERE) cannot be read once per branch, or empty when it can.
std::string WhyNotRepeatable(const PlanNode& node, const FunctionCatalog& functions) {
  switch (node.kind) {
    case NodeKind::kScan:
      return "";
    case NodeKind::kFilter:
      break;
    case NodeKind::kJoin: {
      plan::JoinKind kind = node.Cast<plan::JoinNode>().join_kind;
      if (kind != plan::JoinKind::kInner && kind != plan::JoinKind::kCross) return "an outer join";
      break;
    }
    default:
      return fmt::format("a {} under the WHERE", node.Name());
  }
  std::string why;
  plan::ForEachNodeExpr(node, [&](const Expr& e) {
    if (!why.empty()) return;
    if (plan::ContainsKind(e, ExprKind::kSubquery)) why = "a subquery";
    if (HasVolatileCall(e, functions)) why = "a volatile function";
  });
  if (!why.empty()) return why;
  for (const PlanPtr& child : node.children) {
    why = WhyNotRepeatable(*child, functions);
    if (!why.empty()) return why;
  }
  return "";
}

// The ancestors allow the UNION ALL at the block's top: only ORDER BY, a LIMIT over it, and the
// projection that drops hidden sort keys.
std::string WhyNotTopBlock(const std::vector<const PlanNode*>& ancestors) {
  bool sorted = false;
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    switch ((*it)->kind) {
      case NodeKind::kSort:
        sorted = true;
        break;
      case NodeKind::kLimit:
        if (!sorted) return "a LIMIT without ORDER BY could pick other rows";
        break;
      case NodeKind::kProject:
        if (!sorted) return "the query is not the statement's top block";
        break;
      case NodeKind::kDistinct:
        return "DISTINCT above the projection";
      default:
        return "the query is not the statement's top block";
    }
  }
  return "";
}

class SplitOrToUnion : public Rule {
 public:
  const char* Name() const override { return "SplitOrToUnion"; }
  const char* Rationale() const override {
    return "each arm of an OR routed (and indexed) on its own, later arms excluding earlier ones";
  }

  bool Match(const PlanNode& node) const override {
    if (node.kind != NodeKind::kProject) return false;
    const PlanNode& child = *node.children[0];
    if (child.kind != NodeKind::kFilter) return false;
    bool has_or = false;
    plan::ForEachConjunct(*child.Cast<plan::FilterNode>().predicate,
                          [&](const Expr& c) { has_or = has_or || IsOr(c); });
    return has_or;
  }

  PlanPtr Apply(PlanPtr& node, RuleContext& ctx, std::string& message) const override {
    const FunctionCatalog& functions = ctx.dialect.Functions();
    const auto& project = node->Cast<plan::ProjectNode>();
    const auto& filter = node->children[0]->Cast<plan::FilterNode>();
    if (std::string why = WhyNotTopBlock(ctx.ancestors); !why.empty()) {
      message = why;
      return nullptr;
    }
    if (std::string why = WhyNotRepeatable(*filter.children[0], functions); !why.empty()) {
      message = why + ": the branches would not read the same rows";
      return nullptr;
    }
    for (const ExprPtr& e : project.exprs) {
      if (plan::ContainsKind(*e, ExprKind::kSubquery) || HasVolatileCall(*e, functions) ||
          plan::ContainsKind(*e, ExprKind::kAggregate) ||
          plan::ContainsKind(*e, ExprKind::kWindow)) {
        message = "the select list has a subquery, aggregate or volatile call";
        return nullptr;
      }
    }
    // The first OR conjunct is split; the others (r) go to every branch.
    std::vector<const Expr*> conjuncts;
    plan::ForEachConjunct(*filter.predicate, [&](const Expr& c) { conjuncts.push_back(&c); });
    const Expr* disjunction = nullptr;
    for (const Expr* c : conjuncts) {
      if (plan::ContainsKind(*c, ExprKind::kSubquery)) {
        message = "a subquery in the WHERE would run once per branch";
        return nullptr;
      }
      if (HasVolatileCall(*c, functions)) {
        message = "a volatile call in the WHERE would be evaluated again per branch";
        return nullptr;
      }
    }
    for (const Expr* c : conjuncts) {
      if (!plan::CannotFail(*c)) {
        message = "a condition could raise an error the OR never evaluated";
        return nullptr;
      }
      if (!disjunction && IsOr(*c)) disjunction = c;
    }
    std::vector<const Expr*> arms;
    CollectArms(*disjunction, arms);
    if (arms.size() > kMaxArms) {
      message = fmt::format("{} arms: more than {}", arms.size(), kMaxArms);
      return nullptr;
    }

    std::vector<PlanPtr> branches;
    for (size_t i = 0; i < arms.size(); ++i) {
      std::vector<ExprPtr> predicate;
      for (const Expr* c : conjuncts) {
        if (c != disjunction) predicate.push_back(c->Clone());
      }
      predicate.push_back(arms[i]->Clone());
      for (size_t j = 0; j < i; ++j) {
        auto excluded = std::make_unique<Expr>(ExprKind::kIsBool);
        excluded->bool_test = ast::BoolTest::kTrue;
        excluded->negated = true;
        excluded->type = arms[j]->type;
        excluded->children.push_back(arms[j]->Clone());
        predicate.push_back(std::move(excluded));
      }
      PlanPtr branch =
          plan::MakeFilter(filter.children[0]->Clone(), plan::JoinConjuncts(std::move(predicate)));
      std::vector<ExprPtr> exprs;
      for (const ExprPtr& e : project.exprs)
        exprs.push_back(e->Clone());
      branch = plan::MakeProject(std::move(branch), std::move(exprs), project.outputs);
      branches.push_back(plan::CloneWithFreshColumns(*branch, ctx.columns));
    }
    // Left-deep: ((b1 UNION ALL b2) UNION ALL b3) ..., the top one defining the projection's ids.
    PlanPtr result = std::move(branches[0]);
    for (size_t i = 1; i < branches.size(); ++i) {
      std::vector<plan::ColumnId> outputs;
      if (i + 1 == branches.size()) {
        outputs = project.outputs;
      } else {
        for (plan::ColumnId id : result->outputs)
          outputs.push_back(ctx.columns.Add(ctx.columns[id]));
      }
      result = plan::MakeSetOp(ast::SetOpKind::kUnion, true, std::move(result),
                               std::move(branches[i]), std::move(outputs));
    }
    message = fmt::format("{} branches, each excluding the rows of those before it", arms.size());
    return result;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSplitOrToUnion() {
  return std::make_unique<SplitOrToUnion>();
}

}  // namespace shardql::rules
