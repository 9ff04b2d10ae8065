#include "planner/plan_verifier.h"

#include <fmt/format.h>

#include <set>

#include "grammar/sql_error.h"
#include "grammar/stack_guard.h"
#include "planner/plan_visitor.h"

namespace shardql::plan {
namespace {

// The column ids visible where an expression is evaluated: the node's inputs, then each
// enclosing block's (outermost last), for correlated references.
struct Visible {
  const std::set<ColumnId>* ids;
  const Visible* outer;
  bool Has(ColumnId id) const {
    for (const Visible* v = this; v; v = v->outer) {
      if (v->ids->count(id)) return true;
    }
    return false;
  }
};

class Verifier {
 public:
  explicit Verifier(const ColumnTable& columns) : columns_(columns) {}

  void Node(const PlanNode& node, const Visible* outer) {
    CheckStackDepth();
    for (const PlanPtr& child : node.children) {
      if (!child) Fail(node, "has a null child");
      Node(*child, outer);
    }
    CheckOutputs(node);
    std::set<ColumnId> inputs;
    for (const PlanPtr& child : node.children)
      inputs.insert(child->outputs.begin(), child->outputs.end());
    // LIMIT and OFFSET are evaluated once, before any row: they see only enclosing blocks.
    std::set<ColumnId> none;
    Visible visible{
        node.kind == NodeKind::kLimit || node.kind == NodeKind::kValues ? &none : &inputs, outer};
    ForEachNodeExpr(node, [&](const plan::Expr& e) { CheckExpr(node, e, visible); });
  }

 private:
  void CheckExpr(const PlanNode& owner, const plan::Expr& e, const Visible& visible) {
    CheckStackDepth();
    if (e.kind == ExprKind::kColumn) {
      if (e.column >= columns_.size())
        Fail(owner, fmt::format("reads unknown column #{}", e.column));
      if (!visible.Has(e.column)) {
        Fail(owner, fmt::format("reads {}#{}, which no input produces", columns_[e.column].name,
                                e.column));
      }
    }
    for (const ExprPtr& child : e.children) {
      if (child) CheckExpr(owner, *child, visible);
    }
    if (e.window) {
      for (const ExprPtr& p : e.window->partition_by)
        CheckExpr(owner, *p, visible);
      for (const SortKey& k : e.window->order_by)
        CheckExpr(owner, *k.expr, visible);
    }
    if (e.kind == ExprKind::kSubquery) {
      if (!e.plan) Fail(owner, "has a subquery without a plan");
      Node(*e.plan, &visible);
    }
  }

  void CheckOutputs(const PlanNode& node) {
    std::set<ColumnId> seen;
    for (ColumnId id : node.outputs) {
      if (id >= columns_.size()) Fail(node, fmt::format("produces unknown column #{}", id));
      if (!seen.insert(id).second) {
        Fail(node, fmt::format("produces {}#{} twice", columns_[id].name, id));
      }
    }
    auto children = [&](size_t n) {
      if (node.children.size() != n)
        Fail(node, fmt::format("has {} children", node.children.size()));
    };
    auto same_as_child = [&] {
      children(1);
      if (node.outputs != node.children[0]->outputs) Fail(node, "does not pass its input through");
    };
    switch (node.kind) {
      case NodeKind::kScan: {
        children(0);
        const auto& scan = node.Cast<ScanNode>();
        if (scan.column_indexes.size() != node.outputs.size()) Fail(node, "has unmatched columns");
        for (int c : scan.column_indexes) {
          if (c != kRowidColumn && (c < 0 || static_cast<size_t>(c) >= scan.table->columns.size()))
            Fail(node, fmt::format("reads column {} of a {}-column table", c,
                                   scan.table->columns.size()));
        }
        break;
      }
      case NodeKind::kValues:
        children(0);
        for (const auto& row : node.Cast<ValuesNode>().rows) {
          if (row.size() != node.outputs.size()) Fail(node, "has a row of the wrong width");
        }
        break;
      case NodeKind::kFilter:
        if (!node.Cast<FilterNode>().predicate) Fail(node, "has no predicate");
        same_as_child();
        break;
      case NodeKind::kDistinct:
      case NodeKind::kSort:
      case NodeKind::kLimit:
        same_as_child();
        break;
      case NodeKind::kProject:
        children(1);
        if (node.Cast<ProjectNode>().exprs.size() != node.outputs.size())
          Fail(node, "has a different number of expressions and outputs");
        break;
      case NodeKind::kJoin: {
        children(2);
        std::vector<ColumnId> both = node.children[0]->outputs;
        both.insert(both.end(), node.children[1]->outputs.begin(), node.children[1]->outputs.end());
        if (node.outputs != both) Fail(node, "does not output its left then its right columns");
        break;
      }
      case NodeKind::kAggregate: {
        children(1);
        const auto& agg = node.Cast<AggregateNode>();
        if (agg.groups.size() + agg.aggregates.size() != node.outputs.size())
          Fail(node, "has a different number of groups and aggregates than outputs");
        break;
      }
      case NodeKind::kWindow: {
        children(1);
        const auto& child = node.children[0]->outputs;
        size_t calls = node.Cast<WindowNode>().windows.size();
        if (node.outputs.size() != child.size() + calls ||
            !std::equal(child.begin(), child.end(), node.outputs.begin()))
          Fail(node, "does not output its input then one column per call");
        break;
      }
      case NodeKind::kSetOp:
        children(2);
        if (node.children[0]->outputs.size() != node.outputs.size() ||
            node.children[1]->outputs.size() != node.outputs.size())
          Fail(node, "has inputs of different widths");
        break;
      case NodeKind::kMaterialize: {
        children(1);
        if (node.outputs != node.children[0]->outputs) Fail(node, "does not pass its input on");
        if (node.Cast<MaterializeNode>().column_names.size() != node.outputs.size())
          Fail(node, "names a different number of columns than it outputs");
        break;
      }
      case NodeKind::kInsert: {
        children(1);
        const auto& insert = node.Cast<InsertNode>();
        if (!node.outputs.empty()) Fail(node, "produces columns");
        if (!insert.target_columns.empty() &&
            node.children[0]->outputs.size() != insert.target_columns.size())
          Fail(node, "has a source of the wrong width");
        break;
      }
      case NodeKind::kUpdate:
      case NodeKind::kDelete:
        children(1);
        if (!node.outputs.empty()) Fail(node, "produces columns");
        break;
    }
  }

  [[noreturn]] void Fail(const PlanNode& node, const std::string& what) const {
    throw SqlError(sqlstate::kInternalError,
                   fmt::format("internal error: invalid plan: {} {}", node.Name(), what));
  }

  const ColumnTable& columns_;
};

}  // namespace

void VerifyPlan(const PlanNode& root, const ColumnTable& columns) {
  Verifier(columns).Node(root, nullptr);
}

}  // namespace shardql::plan
