#include "rules/range_conjuncts.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shardql::rules {

using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;

std::vector<const Expr*> Conjuncts(const Expr& predicate) {
  std::vector<const Expr*> out;
  plan::ForEachConjunct(predicate, [&](const Expr& c) { out.push_back(&c); });
  return out;
}

bool BoundsColumn(const Expr& e, plan::ColumnId column, bool nested) {
  if (e.kind == ExprKind::kBinary &&
      (e.binary_op == ast::BinaryOp::kEq || e.binary_op == ast::BinaryOp::kGtEq) &&
      e.left().kind == ExprKind::kColumn && e.left().column == column &&
      (e.right().kind == ExprKind::kConstant || e.right().kind == ExprKind::kParam)) {
    return true;
  }
  if (!nested) return false;
  for (const ExprPtr& child : e.children) {
    if (child && BoundsColumn(*child, column, true)) return true;
  }
  return false;
}

bool IndexLeadsColumn(const plan::PlanNode& input, plan::ColumnId column, const CostModel& cost) {
  if (input.kind == plan::NodeKind::kScan) {
    const auto& scan = input.Cast<plan::ScanNode>();
    for (size_t i = 0; i < scan.outputs.size(); ++i) {
      if (scan.outputs[i] == column) return cost.Indexed(*scan.table, scan.column_indexes[i]);
    }
    return false;
  }
  // Through nodes that pass their input's columns on (filters, joins); not into a subquery.
  if (input.kind != plan::NodeKind::kFilter && input.kind != plan::NodeKind::kJoin) return false;
  for (const plan::PlanPtr& child : input.children) {
    if (IndexLeadsColumn(*child, column, cost)) return true;
  }
  return false;
}

ExprPtr CompareColumn(ast::BinaryOp op, const Expr& column, Value value) {
  return plan::MakeBinary(op, column.Clone(), plan::MakeConstant(std::move(value)));
}

ExprPtr HalfOpenRange(const Expr& column, Value low, Value high) {
  return plan::MakeBinary(ast::BinaryOp::kAnd,
                          CompareColumn(ast::BinaryOp::kGtEq, column, std::move(low)),
                          CompareColumn(ast::BinaryOp::kLt, column, std::move(high)));
}

plan::PlanPtr FilterWithRanges(plan::FilterNode& filter, std::vector<ExprPtr> ranges,
                               const std::vector<const Expr*>& conjuncts,
                               const std::vector<std::string>& done,
                               const std::vector<std::string>& refused, std::string& message) {
  message = fmt::format("{}", fmt::join(ranges.empty() ? refused : done, "; "));
  if (ranges.empty()) return nullptr;
  for (const Expr* c : conjuncts)
    ranges.push_back(c->Clone());
  return plan::MakeFilter(std::move(filter.children[0]), plan::JoinConjuncts(std::move(ranges)));
}

}  // namespace shardql::rules
