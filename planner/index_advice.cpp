#include "planner/index_advice.h"

#include <fmt/format.h>

#include <set>

#include "planner/expression.h"
#include "planner/plan_printer.h"
#include "planner/plan_visitor.h"

namespace shardql {
namespace {

using plan::Expr;
using plan::ExprKind;
using plan::PlanNode;

// Where a scan's column came from: its table and column index.
struct Source {
  const TableInfo* table = nullptr;
  int column = -1;
};

class Advisor : public plan::ConstPlanVisitor {
 public:
  Advisor(const plan::LogicalPlan& plan, const CostModel& model)
      : ConstPlanVisitor(true), plan_(plan), model_(model) {}

  std::vector<std::string> Take() { return std::move(advice_); }

 protected:
  void VisitNode(const PlanNode& node) override {
    if (node.kind == plan::NodeKind::kScan) {
      const auto& scan = node.Cast<plan::ScanNode>();
      for (size_t i = 0; i < scan.outputs.size(); ++i)
        sources_[scan.outputs[i]] = {scan.table.get(), scan.column_indexes[i]};
    }
    // A filter's conditions once its scan's columns are known: children are walked after their
    // node, so filters are looked at from the root down, with what the scans below define.
    pending_.push_back(&node);
  }

 public:
  void Finish() {
    for (const PlanNode* node : pending_) {
      if (node->kind == plan::NodeKind::kFilter) {
        plan::ForEachConjunct(*node->Cast<plan::FilterNode>().predicate,
                              [&](const Expr& c) { Condition(c, "filter"); });
      } else if (node->kind == plan::NodeKind::kJoin) {
        const auto& join = node->Cast<plan::JoinNode>();
        if (join.condition) {
          plan::ForEachConjunct(*join.condition, [&](const Expr& c) { JoinCondition(c); });
        }
      }
    }
  }

 private:
  const Source* SourceOf(const Expr& e) const {
    if (e.kind != ExprKind::kColumn) return nullptr;
    auto it = sources_.find(e.column);
    return it == sources_.end() || it->second.column < 0 ? nullptr : &it->second;
  }

  bool Large(const TableInfo& table) const { return model_.TableRows(table) >= kAdviceMinimumRows; }

  static bool IsValue(const Expr& e) {
    return e.kind == ExprKind::kConstant || e.kind == ExprKind::kParam;
  }

  // The column a condition compares with values (col = v, col < v, col IN (...), BETWEEN,
  // IS NULL), whichever side it is on.
  const Expr* ComparedColumn(const Expr& c) const {
    if (c.kind == ExprKind::kBinary && plan::IsComparison(c.binary_op) &&
        c.binary_op != ast::BinaryOp::kNotEq) {
      if (IsValue(c.right())) return &c.left();
      if (IsValue(c.left())) return &c.right();
      return nullptr;
    }
    if ((c.kind == ExprKind::kInList || c.kind == ExprKind::kBetween ||
         c.kind == ExprKind::kIsNull) &&
        !c.negated) {
      return &c.operand();
    }
    return nullptr;
  }

  // A column of a scanned table inside `e` (not `e` itself).
  const Expr* WrappedColumn(const Expr& e) const {
    for (const plan::ExprPtr& child : e.children) {
      if (!child) continue;
      if (SourceOf(*child)) return child.get();
      if (const Expr* inner = WrappedColumn(*child)) return inner;
    }
    return nullptr;
  }

  void Condition(const Expr& c, const char* what) {
    const Expr* compared = ComparedColumn(c);
    if (!compared) return;
    std::string text = FormatExpr(c, plan_.columns);
    if (const Source* s = SourceOf(*compared)) {
      if (model_.Indexed(*s->table, s->column) || !Large(*s->table)) return;
      Add(*s, fmt::format("no index on any shard serves the {} {} on {} ({:.0f} rows): {}", what,
                          text, s->table->name, model_.TableRows(*s->table), CreateIndex(*s)));
      return;
    }
    const Expr* inner = WrappedColumn(*compared);
    const Source* s = inner ? SourceOf(*inner) : nullptr;
    if (!s || !model_.Indexed(*s->table, s->column) || !Large(*s->table)) return;
    std::string column = s->table->columns[s->column].name;
    std::string rewrite =
        compared->kind == ExprKind::kFunction && compared->name == "substr"
            ? fmt::format("compare {} itself, with the range of the prefix", column)
            : fmt::format(
                  "compare {} itself (move the arithmetic to the other side), or index "
                  "the expression",
                  column);
    advice_.push_back(
        fmt::format("{} wraps the indexed column {}.{} in an expression, so no "
                    "index serves it: {}",
                    text, s->table->name, column, rewrite));
  }

  void JoinCondition(const Expr& c) {
    if (c.kind != ExprKind::kBinary || c.binary_op != ast::BinaryOp::kEq) return;
    const Source* left = SourceOf(c.left());
    const Source* right = SourceOf(c.right());
    if (!left || !right) return;
    std::string text = FormatExpr(c, plan_.columns);
    for (const Source* s : {left, right}) {
      if (model_.Indexed(*s->table, s->column) || !Large(*s->table)) continue;
      Add(*s, fmt::format("no index on any shard serves the join {} on {} ({:.0f} rows): {}", text,
                          s->table->name, model_.TableRows(*s->table), CreateIndex(*s)));
    }
  }

  static std::string CreateIndex(const Source& s) {
    const std::string& column = s.table->columns[s.column].name;
    return fmt::format("CREATE INDEX {}_{}_idx ON {} ({})", s.table->name, column, s.table->name,
                       column);
  }

  void Add(const Source& s, std::string line) {
    if (advised_.insert({s.table, s.column}).second) advice_.push_back(std::move(line));
  }

  const plan::LogicalPlan& plan_;
  const CostModel& model_;
  std::map<plan::ColumnId, Source> sources_;
  std::vector<const PlanNode*> pending_;
  std::set<std::pair<const TableInfo*, int>> advised_;
  std::vector<std::string> advice_;
};

}  // namespace

std::vector<std::string> IndexAdvice(const plan::LogicalPlan& plan, const CostModel& model) {
  Advisor advisor(plan, model);
  advisor.Walk(*plan.root);
  advisor.Finish();
  return advisor.Take();
}

}  // namespace shardql
