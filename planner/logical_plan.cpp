#include "planner/logical_plan.h"

namespace shardql::plan {

const char* ToString(NodeKind kind) {
  switch (kind) {
    case NodeKind::kScan:
      return "Scan";
    case NodeKind::kValues:
      return "Values";
    case NodeKind::kFilter:
      return "Filter";
    case NodeKind::kProject:
      return "Project";
    case NodeKind::kJoin:
      return "Join";
    case NodeKind::kAggregate:
      return "Aggregate";
    case NodeKind::kWindow:
      return "Window";
    case NodeKind::kDistinct:
      return "Distinct";
    case NodeKind::kSort:
      return "Sort";
    case NodeKind::kLimit:
      return "Limit";
    case NodeKind::kSetOp:
      return "SetOp";
    case NodeKind::kInsert:
      return "Insert";
    case NodeKind::kUpdate:
      return "Update";
    case NodeKind::kDelete:
      return "Delete";
  }
  return "?";
}

const char* ToString(JoinKind kind) {
  switch (kind) {
    case JoinKind::kInner:
      return "inner";
    case JoinKind::kLeft:
      return "left";
    case JoinKind::kRight:
      return "right";
    case JoinKind::kFull:
      return "full";
    case JoinKind::kCross:
      return "cross";
  }
  return "?";
}

void PlanNode::CloneBaseInto(PlanNode& copy) const {
  for (const PlanPtr& child : children)
    copy.children.push_back(child->Clone());
  copy.outputs = outputs;
}

namespace {
std::vector<ExprPtr> CloneAll(const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> out;
  out.reserve(exprs.size());
  for (const ExprPtr& e : exprs)
    out.push_back(e ? e->Clone() : nullptr);
  return out;
}
}  // namespace

PlanPtr ScanNode::Clone() const {
  auto copy = std::make_unique<ScanNode>();
  CloneBaseInto(*copy);
  copy->table = table;
  copy->alias = alias;
  copy->column_indexes = column_indexes;
  return copy;
}

PlanPtr ValuesNode::Clone() const {
  auto copy = std::make_unique<ValuesNode>();
  CloneBaseInto(*copy);
  for (const auto& row : rows)
    copy->rows.push_back(CloneAll(row));
  return copy;
}

PlanPtr FilterNode::Clone() const {
  auto copy = std::make_unique<FilterNode>();
  CloneBaseInto(*copy);
  copy->predicate = predicate->Clone();
  return copy;
}

PlanPtr ProjectNode::Clone() const {
  auto copy = std::make_unique<ProjectNode>();
  CloneBaseInto(*copy);
  copy->exprs = CloneAll(exprs);
  return copy;
}

PlanPtr JoinNode::Clone() const {
  auto copy = std::make_unique<JoinNode>();
  CloneBaseInto(*copy);
  copy->join_kind = join_kind;
  if (condition) copy->condition = condition->Clone();
  return copy;
}

PlanPtr AggregateNode::Clone() const {
  auto copy = std::make_unique<AggregateNode>();
  CloneBaseInto(*copy);
  copy->groups = CloneAll(groups);
  copy->aggregates = CloneAll(aggregates);
  return copy;
}

PlanPtr WindowNode::Clone() const {
  auto copy = std::make_unique<WindowNode>();
  CloneBaseInto(*copy);
  copy->windows = CloneAll(windows);
  return copy;
}

PlanPtr DistinctNode::Clone() const {
  auto copy = std::make_unique<DistinctNode>();
  CloneBaseInto(*copy);
  return copy;
}

PlanPtr SortNode::Clone() const {
  auto copy = std::make_unique<SortNode>();
  CloneBaseInto(*copy);
  for (const SortKey& k : keys)
    copy->keys.push_back(k.Clone());
  return copy;
}

PlanPtr LimitNode::Clone() const {
  auto copy = std::make_unique<LimitNode>();
  CloneBaseInto(*copy);
  if (limit) copy->limit = limit->Clone();
  if (offset) copy->offset = offset->Clone();
  return copy;
}

PlanPtr SetOpNode::Clone() const {
  auto copy = std::make_unique<SetOpNode>();
  CloneBaseInto(*copy);
  copy->op = op;
  copy->all = all;
  return copy;
}

PlanPtr InsertNode::Clone() const {
  auto copy = std::make_unique<InsertNode>();
  CloneBaseInto(*copy);
  copy->table = table;
  copy->target_columns = target_columns;
  return copy;
}

PlanPtr UpdateNode::Clone() const {
  auto copy = std::make_unique<UpdateNode>();
  CloneBaseInto(*copy);
  copy->table = table;
  for (const Assignment& a : assignments)
    copy->assignments.push_back({a.column, a.value->Clone()});
  return copy;
}

PlanPtr DeleteNode::Clone() const {
  auto copy = std::make_unique<DeleteNode>();
  CloneBaseInto(*copy);
  copy->table = table;
  return copy;
}

LogicalPlan LogicalPlan::Clone() const {
  LogicalPlan copy;
  if (root) copy.root = root->Clone();
  copy.columns = columns;
  copy.output = output;
  copy.param_count = param_count;
  return copy;
}

void VisitPlan(const PlanNode& node, const std::function<void(const PlanNode&)>& fn,
               bool into_subqueries) {
  fn(node);
  if (into_subqueries) {
    for (const Expr* e : NodeExpressions(node)) {
      VisitExpr(*e, [&](const Expr& sub) {
        if (sub.plan) VisitPlan(*sub.plan, fn, true);
      });
    }
  }
  for (const PlanPtr& child : node.children)
    VisitPlan(*child, fn, into_subqueries);
}

std::vector<const Expr*> NodeExpressions(const PlanNode& node) {
  std::vector<const Expr*> out;
  auto add = [&](const ExprPtr& e) {
    if (e) out.push_back(e.get());
  };
  switch (node.kind) {
    case NodeKind::kValues:
      for (const auto& row : node.Cast<ValuesNode>().rows) {
        for (const ExprPtr& e : row)
          add(e);
      }
      break;
    case NodeKind::kFilter:
      add(node.Cast<FilterNode>().predicate);
      break;
    case NodeKind::kProject:
      for (const ExprPtr& e : node.Cast<ProjectNode>().exprs)
        add(e);
      break;
    case NodeKind::kJoin:
      add(node.Cast<JoinNode>().condition);
      break;
    case NodeKind::kAggregate:
      for (const ExprPtr& e : node.Cast<AggregateNode>().groups)
        add(e);
      for (const ExprPtr& e : node.Cast<AggregateNode>().aggregates)
        add(e);
      break;
    case NodeKind::kWindow:
      for (const ExprPtr& e : node.Cast<WindowNode>().windows)
        add(e);
      break;
    case NodeKind::kSort:
      for (const SortKey& k : node.Cast<SortNode>().keys)
        add(k.expr);
      break;
    case NodeKind::kLimit:
      add(node.Cast<LimitNode>().limit);
      add(node.Cast<LimitNode>().offset);
      break;
    case NodeKind::kUpdate:
      for (const Assignment& a : node.Cast<UpdateNode>().assignments)
        add(a.value);
      break;
    case NodeKind::kScan:
    case NodeKind::kDistinct:
    case NodeKind::kSetOp:
    case NodeKind::kInsert:
    case NodeKind::kDelete:
      break;
  }
  return out;
}

bool SubqueryReadsDistributed(const Expr& expr) {
  bool reads = false;
  VisitExpr(expr, [&](const Expr& sub) {
    if (!sub.plan || reads) return;
    VisitPlan(
        *sub.plan,
        [&](const PlanNode& n) {
          if (n.kind == NodeKind::kScan &&
              n.Cast<ScanNode>().table->distribution == DistributionKind::kHash) {
            reads = true;
          }
        },
        true);
  });
  return reads;
}

}  // namespace shardql::plan
