#include "planner/plan_visitor.h"

#include "grammar/stack_guard.h"

namespace shardql::plan {
namespace {

// One switch over the node kinds, for both constness: `fn` receives ExprPtr& or const ExprPtr&.
template <typename Node, typename Fn>
void EachNodeExpr(Node& node, Fn&& fn) {
  auto each = [&](auto& e) {
    if (e) fn(e);
  };
  switch (node.kind) {
    case NodeKind::kValues:
      for (auto& row : node.template Cast<ValuesNode>().rows) {
        for (auto& e : row)
          each(e);
      }
      break;
    case NodeKind::kFilter:
      each(node.template Cast<FilterNode>().predicate);
      break;
    case NodeKind::kProject:
      for (auto& e : node.template Cast<ProjectNode>().exprs)
        each(e);
      break;
    case NodeKind::kJoin:
      each(node.template Cast<JoinNode>().condition);
      break;
    case NodeKind::kAggregate:
      for (auto& e : node.template Cast<AggregateNode>().groups)
        each(e);
      for (auto& e : node.template Cast<AggregateNode>().aggregates)
        each(e);
      break;
    case NodeKind::kWindow:
      for (auto& e : node.template Cast<WindowNode>().windows)
        each(e);
      break;
    case NodeKind::kSort:
      for (auto& k : node.template Cast<SortNode>().keys)
        each(k.expr);
      break;
    case NodeKind::kLimit:
      each(node.template Cast<LimitNode>().limit);
      each(node.template Cast<LimitNode>().offset);
      break;
    case NodeKind::kUpdate:
      for (auto& a : node.template Cast<UpdateNode>().assignments)
        each(a.value);
      break;
    case NodeKind::kScan:
    case NodeKind::kDistinct:
    case NodeKind::kSetOp:
    case NodeKind::kMaterialize:
    case NodeKind::kInsert:
    case NodeKind::kDelete:
      break;
  }
}

}  // namespace

void ForEachNodeExpr(const PlanNode& node, const std::function<void(const Expr&)>& fn) {
  EachNodeExpr(node, [&](const ExprPtr& e) { fn(*e); });
}

void ForEachNodeExpr(PlanNode& node, const std::function<void(ExprPtr&)>& fn) {
  EachNodeExpr(node, [&](ExprPtr& e) { fn(e); });
}

void ConstPlanVisitor::Walk(const PlanNode& root) {
  CheckStackDepth();
  VisitNode(root);
  ForEachNodeExpr(root, [&](const Expr& e) { WalkExpr(e); });
  for (const PlanPtr& child : root.children)
    Walk(*child);
}

void ConstPlanVisitor::WalkExpr(const Expr& expr) {
  CheckStackDepth();
  VisitExpr(expr);
  for (const ExprPtr& child : expr.children) {
    if (child) WalkExpr(*child);
  }
  if (expr.window) {
    for (const ExprPtr& e : expr.window->partition_by)
      WalkExpr(*e);
    for (const SortKey& k : expr.window->order_by)
      WalkExpr(*k.expr);
  }
  if (into_subqueries_ && expr.plan) Walk(*expr.plan);
}

void PlanMutator::Walk(PlanPtr& root) {
  CheckStackDepth();
  for (PlanPtr& child : root->children)
    Walk(child);
  ForEachNodeExpr(*root, [&](ExprPtr& e) { WalkExpr(e); });
  VisitNode(root);
}

void PlanMutator::WalkExpr(ExprPtr& expr) {
  CheckStackDepth();
  for (ExprPtr& child : expr->children) {
    if (child) WalkExpr(child);
  }
  if (expr->window) {
    for (ExprPtr& e : expr->window->partition_by)
      WalkExpr(e);
    for (SortKey& k : expr->window->order_by)
      WalkExpr(k.expr);
  }
  if (into_subqueries_ && expr->plan) Walk(expr->plan);
  VisitExpr(expr);
}

void RewriteExprs(PlanNode& root, const std::function<void(ExprPtr&)>& fn) {
  class Rewriter : public PlanMutator {
   public:
    explicit Rewriter(const std::function<void(ExprPtr&)>& fn) : PlanMutator(true), fn_(fn) {}
    void Run(PlanNode& root) {
      for (PlanPtr& child : root.children)
        Walk(child);
      ForEachNodeExpr(root, [&](ExprPtr& e) { WalkExpr(e); });
    }

   protected:
    void VisitExpr(ExprPtr& expr) override { fn_(expr); }

   private:
    const std::function<void(ExprPtr&)>& fn_;
  };
  Rewriter(fn).Run(root);
}

}  // namespace shardql::plan
