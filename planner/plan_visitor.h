#pragma once
// The two walks over a plan that analyses and rewrites share (DuckDB's LogicalOperatorVisitor):
// a const one that looks, and a mutable one that may replace expressions and nodes in place.
// Both know which expressions each node kind holds, so no caller keeps its own switch over them.

#include <functional>

#include "planner/logical_plan.h"

namespace shardql::plan {

// Each expression `node` holds itself, not its children's: VALUES cells, a filter's predicate,
// projections, a join's condition, groups then aggregates, window calls, sort keys, LIMIT then
// OFFSET, assignments. Absent optional expressions are skipped.
void ForEachNodeExpr(const PlanNode& node, const std::function<void(const Expr&)>& fn);
void ForEachNodeExpr(PlanNode& node, const std::function<void(ExprPtr&)>& fn);

// Looks at a plan: VisitNode pre-order, each node's expressions (every subexpression, window
// partitions and orders included) right after their node, then the children. With
// `into_subqueries`, a subquery's plan is walked where the expression holding it is visited.
class ConstPlanVisitor {
 public:
  virtual ~ConstPlanVisitor() = default;
  void Walk(const PlanNode& root);

 protected:
  explicit ConstPlanVisitor(bool into_subqueries) : into_subqueries_(into_subqueries) {}
  virtual void VisitNode(const PlanNode& node) {}
  virtual void VisitExpr(const Expr& expr) {}

 private:
  void WalkExpr(const Expr& expr);
  bool into_subqueries_;
};

// Changes a plan in place, bottom-up: children first, then the node's expressions (each
// post-order: an expression's children before it), then VisitNode, which may replace the node
// through its owning pointer. With `into_subqueries`, subquery plans are rewritten too, before
// the expression that holds them is visited.
class PlanMutator {
 public:
  virtual ~PlanMutator() = default;
  void Walk(PlanPtr& root);
  // Rewrites one expression tree on its own (and, with into_subqueries, the plans inside it).
  void WalkExpr(ExprPtr& expr);

 protected:
  explicit PlanMutator(bool into_subqueries) : into_subqueries_(into_subqueries) {}
  virtual void VisitNode(PlanPtr& node) {}
  virtual void VisitExpr(ExprPtr& expr) {}

 private:
  bool into_subqueries_;
};

// Calls `fn` on every expression of the plan, subexpressions and subquery plans included, each
// through its owning pointer so it may be replaced (post-order).
void RewriteExprs(PlanNode& root, const std::function<void(ExprPtr&)>& fn);

}  // namespace shardql::plan
