#include "planner/logical_plan.h"

#include <map>

#include "planner/plan_visitor.h"

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
    case NodeKind::kMaterialize:
      return "Materialize";
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
  copy.cte_reference = cte_reference;
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
  copy->shard_key_indexed = shard_key_indexed;
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

PlanPtr MaterializeNode::Clone() const {
  auto copy = std::make_unique<MaterializeNode>();
  CloneBaseInto(*copy);
  copy->target = target;
  copy->table_name = table_name;
  copy->column_names = column_names;
  return copy;
}

PlanPtr DeleteNode::Clone() const {
  auto copy = std::make_unique<DeleteNode>();
  CloneBaseInto(*copy);
  copy->table = table;
  return copy;
}

std::unique_ptr<ScanNode> MakeScan(std::shared_ptr<const TableInfo> table, std::string alias,
                                   std::vector<int> column_indexes, std::vector<ColumnId> outputs) {
  assert(column_indexes.size() == outputs.size());
  auto node = std::make_unique<ScanNode>();
  node->table = std::move(table);
  node->alias = std::move(alias);
  node->column_indexes = std::move(column_indexes);
  node->outputs = std::move(outputs);
  return node;
}

std::unique_ptr<ValuesNode> MakeValues(std::vector<std::vector<ExprPtr>> rows,
                                       std::vector<ColumnId> outputs) {
  auto node = std::make_unique<ValuesNode>();
  node->rows = std::move(rows);
  node->outputs = std::move(outputs);
  return node;
}

std::unique_ptr<FilterNode> MakeFilter(PlanPtr child, ExprPtr predicate) {
  auto node = std::make_unique<FilterNode>();
  node->predicate = std::move(predicate);
  node->outputs = child->outputs;
  node->children.push_back(std::move(child));
  return node;
}

std::unique_ptr<ProjectNode> MakeProject(PlanPtr child, std::vector<ExprPtr> exprs,
                                         std::vector<ColumnId> outputs) {
  assert(exprs.size() == outputs.size());
  auto node = std::make_unique<ProjectNode>();
  node->exprs = std::move(exprs);
  node->outputs = std::move(outputs);
  node->children.push_back(std::move(child));
  return node;
}

std::unique_ptr<ProjectNode> MakePickColumns(PlanPtr child, const std::vector<ColumnId>& ids,
                                             const ColumnTable& columns) {
  std::vector<ExprPtr> exprs;
  exprs.reserve(ids.size());
  for (ColumnId id : ids)
    exprs.push_back(MakeColumn(id, columns[id].type));
  return MakeProject(std::move(child), std::move(exprs), ids);
}

std::unique_ptr<JoinNode> MakeJoin(JoinKind kind, PlanPtr left, PlanPtr right, ExprPtr condition) {
  auto node = std::make_unique<JoinNode>();
  node->join_kind = kind;
  node->condition = std::move(condition);
  node->outputs = left->outputs;
  node->outputs.insert(node->outputs.end(), right->outputs.begin(), right->outputs.end());
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

std::unique_ptr<AggregateNode> MakeAggregate(PlanPtr child, std::vector<ExprPtr> groups,
                                             std::vector<ExprPtr> aggregates,
                                             std::vector<ColumnId> ids) {
  assert(ids.size() == groups.size() + aggregates.size());
  auto node = std::make_unique<AggregateNode>();
  node->groups = std::move(groups);
  node->aggregates = std::move(aggregates);
  node->outputs = std::move(ids);
  node->children.push_back(std::move(child));
  return node;
}

std::unique_ptr<WindowNode> MakeWindow(PlanPtr child, std::vector<ExprPtr> windows,
                                       const std::vector<ColumnId>& ids) {
  assert(ids.size() == windows.size());
  auto node = std::make_unique<WindowNode>();
  node->windows = std::move(windows);
  node->outputs = child->outputs;
  node->outputs.insert(node->outputs.end(), ids.begin(), ids.end());
  node->children.push_back(std::move(child));
  return node;
}

namespace {
// Nodes whose outputs are their only child's.
template <typename Node>
std::unique_ptr<Node> PassThrough(PlanPtr child) {
  auto node = std::make_unique<Node>();
  node->outputs = child->outputs;
  node->children.push_back(std::move(child));
  return node;
}
}  // namespace

std::unique_ptr<DistinctNode> MakeDistinct(PlanPtr child) {
  return PassThrough<DistinctNode>(std::move(child));
}

std::unique_ptr<SortNode> MakeSort(PlanPtr child, std::vector<SortKey> keys) {
  auto node = PassThrough<SortNode>(std::move(child));
  node->keys = std::move(keys);
  return node;
}

std::unique_ptr<LimitNode> MakeLimit(PlanPtr child, ExprPtr limit, ExprPtr offset) {
  auto node = PassThrough<LimitNode>(std::move(child));
  node->limit = std::move(limit);
  node->offset = std::move(offset);
  return node;
}

std::unique_ptr<SetOpNode> MakeSetOp(ast::SetOpKind op, bool all, PlanPtr left, PlanPtr right,
                                     std::vector<ColumnId> outputs) {
  assert(left->outputs.size() == outputs.size() && right->outputs.size() == outputs.size());
  auto node = std::make_unique<SetOpNode>();
  node->op = op;
  node->all = all;
  node->outputs = std::move(outputs);
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

std::unique_ptr<InsertNode> MakeInsert(std::shared_ptr<const TableInfo> table,
                                       std::vector<int> target_columns, PlanPtr source) {
  auto node = std::make_unique<InsertNode>();
  node->table = std::move(table);
  node->target_columns = std::move(target_columns);
  node->children.push_back(std::move(source));
  return node;
}

std::unique_ptr<UpdateNode> MakeUpdate(std::shared_ptr<const TableInfo> table,
                                       std::vector<Assignment> assignments, PlanPtr target) {
  auto node = std::make_unique<UpdateNode>();
  node->table = std::move(table);
  node->assignments = std::move(assignments);
  node->children.push_back(std::move(target));
  return node;
}

std::unique_ptr<MaterializeNode> MakeMaterialize(PlanPtr child,
                                                 std::shared_ptr<const TableInfo> target,
                                                 std::string table_name,
                                                 std::vector<std::string> column_names) {
  auto node = std::make_unique<MaterializeNode>();
  node->outputs = child->outputs;
  node->target = std::move(target);
  node->table_name = std::move(table_name);
  node->column_names = std::move(column_names);
  node->children.push_back(std::move(child));
  return node;
}

std::unique_ptr<DeleteNode> MakeDelete(std::shared_ptr<const TableInfo> table, PlanPtr target) {
  auto node = std::make_unique<DeleteNode>();
  node->table = std::move(table);
  node->children.push_back(std::move(target));
  return node;
}

LogicalPlan LogicalPlan::Clone() const {
  LogicalPlan copy;
  if (root) copy.root = root->Clone();
  copy.columns = columns;
  copy.output = output;
  copy.param_count = param_count;
  copy.reads_clock = reads_clock;
  copy.param_types = param_types;
  return copy;
}

std::set<ColumnId> DefinedColumns(const PlanNode& node) {
  std::set<ColumnId> defined;
  VisitPlan(
      node, [&](const PlanNode& n) { defined.insert(n.outputs.begin(), n.outputs.end()); }, true);
  return defined;
}

namespace {

void RenameOutputs(PlanNode& node, const std::map<ColumnId, ColumnId>& ids) {
  for (ColumnId& id : node.outputs) {
    auto it = ids.find(id);
    if (it != ids.end()) id = it->second;
  }
  ForEachNodeExpr(node, [&](ExprPtr& e) {
    VisitExpr(*e, [&](const Expr& sub) {
      if (sub.plan) RenameOutputs(*sub.plan, ids);
    });
  });
  for (PlanPtr& child : node.children)
    RenameOutputs(*child, ids);
}

}  // namespace

PlanPtr CloneWithFreshColumns(const PlanNode& node, ColumnTable& columns) {
  std::map<ColumnId, ColumnId> ids;
  for (ColumnId id : DefinedColumns(node)) {
    ColumnMeta meta = columns[id];
    ids[id] = columns.Add(std::move(meta));
  }
  PlanPtr copy = node.Clone();
  RenameOutputs(*copy, ids);
  RewriteExprs(*copy, [&](ExprPtr& e) {
    if (e->kind != ExprKind::kColumn) return;
    auto it = ids.find(e->column);
    if (it != ids.end()) e->column = it->second;
  });
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
  ForEachNodeExpr(node, [&](const Expr& e) { out.push_back(&e); });
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
