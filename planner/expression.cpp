#include "planner/expression.h"

#include <algorithm>

#include "planner/logical_plan.h"

namespace shardql::plan {

Expr::~Expr() = default;

SortKey SortKey::Clone() const {
  return SortKey{expr->Clone(), descending, nulls};
}

std::unique_ptr<WindowDef> WindowDef::Clone() const {
  auto copy = std::make_unique<WindowDef>();
  for (const ExprPtr& e : partition_by)
    copy->partition_by.push_back(e->Clone());
  for (const SortKey& k : order_by)
    copy->order_by.push_back(k.Clone());
  copy->frame = frame;
  return copy;
}

ExprPtr Expr::Clone() const {
  auto copy = std::make_unique<Expr>(kind);
  copy->type = type;
  for (const ExprPtr& child : children)
    copy->children.push_back(child ? child->Clone() : nullptr);
  copy->value = value;
  copy->text = text;
  copy->column = column;
  copy->param_index = param_index;
  copy->unary_op = unary_op;
  copy->binary_op = binary_op;
  copy->bool_test = bool_test;
  copy->like_kind = like_kind;
  copy->quantifier = quantifier;
  copy->subquery_kind = subquery_kind;
  copy->negated = negated;
  copy->has_escape = has_escape;
  copy->has_operand = has_operand;
  copy->has_else = has_else;
  copy->distinct = distinct;
  copy->star = star;
  copy->has_filter = has_filter;
  copy->name = name;
  if (window) copy->window = window->Clone();
  if (plan) copy->plan = plan->Clone();
  return copy;
}

ExprPtr MakeConstant(Value value, std::string text) {
  auto e = std::make_unique<Expr>(ExprKind::kConstant);
  e->type.type = TypeOfValueKind(value.kind());  // inferred, not declared
  e->value = std::move(value);
  e->text = std::move(text);
  return e;
}

ExprPtr MakeColumn(ColumnId id, ExprType type) {
  auto e = std::make_unique<Expr>(ExprKind::kColumn);
  e->column = id;
  e->type = type;
  return e;
}

ExprPtr MakeBinary(ast::BinaryOp op, ExprPtr left, ExprPtr right) {
  auto e = std::make_unique<Expr>(ExprKind::kBinary);
  e->binary_op = op;
  // A COLLATE below either side propagates up (SQLite's EP_Collate), the left one first.
  if (left->type.collation_source == CollationSource::kExplicit) {
    e->type.collation = left->type.collation;
    e->type.collation_source = CollationSource::kExplicit;
  } else if (right->type.collation_source == CollationSource::kExplicit) {
    e->type.collation = right->type.collation;
    e->type.collation_source = CollationSource::kExplicit;
  }
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return e;
}

ExprPtr MakeUnary(ast::UnaryOp op, ExprPtr operand) {
  auto e = std::make_unique<Expr>(ExprKind::kUnary);
  e->unary_op = op;
  if (operand->type.collation_source == CollationSource::kExplicit) {
    e->type.collation = operand->type.collation;
    e->type.collation_source = CollationSource::kExplicit;
  }
  e->children.push_back(std::move(operand));
  return e;
}

void VisitExpr(const Expr& expr, const std::function<void(const Expr&)>& fn, bool into_subqueries) {
  fn(expr);
  for (const ExprPtr& child : expr.children) {
    if (child) VisitExpr(*child, fn, into_subqueries);
  }
  if (expr.window) {
    for (const ExprPtr& e : expr.window->partition_by)
      VisitExpr(*e, fn, into_subqueries);
    for (const SortKey& k : expr.window->order_by)
      VisitExpr(*k.expr, fn, into_subqueries);
  }
  if (into_subqueries && expr.plan) {
    // Subquery plans hold further subqueries in their own expressions: this same function,
    // called for each of them, reaches those too.
    VisitPlan(
        *expr.plan,
        [&](const PlanNode& n) {
          for (const Expr* e : NodeExpressions(n))
            VisitExpr(*e, fn, true);
        },
        false);
  }
}

std::vector<ColumnId> ReferencedColumns(const Expr& expr, bool into_subqueries) {
  std::vector<ColumnId> out;
  VisitExpr(
      expr,
      [&](const Expr& e) {
        if (e.kind == ExprKind::kColumn &&
            std::find(out.begin(), out.end(), e.column) == out.end()) {
          out.push_back(e.column);
        }
      },
      into_subqueries);
  return out;
}

bool ContainsKind(const Expr& expr, ExprKind kind) {
  bool found = false;
  VisitExpr(
      expr, [&](const Expr& e) { found = found || e.kind == kind; }, false);
  return found;
}

std::vector<ExprPtr> SplitConjuncts(ExprPtr predicate) {
  std::vector<ExprPtr> out;
  if (!predicate) return out;
  std::vector<ExprPtr> stack;
  stack.push_back(std::move(predicate));
  while (!stack.empty()) {
    ExprPtr e = std::move(stack.back());
    stack.pop_back();
    if (e->kind == ExprKind::kBinary && e->binary_op == ast::BinaryOp::kAnd) {
      stack.push_back(std::move(e->children[1]));
      stack.push_back(std::move(e->children[0]));
    } else {
      out.push_back(std::move(e));
    }
  }
  return out;
}

ExprPtr JoinConjuncts(std::vector<ExprPtr> conjuncts) {
  ExprPtr out;
  for (ExprPtr& c : conjuncts) {
    out = out ? MakeBinary(ast::BinaryOp::kAnd, std::move(out), std::move(c)) : std::move(c);
  }
  return out;
}

// An expression whose evaluation cannot fail, whatever the row.
bool CannotFail(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumn:
    case ExprKind::kConstant:
    case ExprKind::kParam:
      return true;
    case ExprKind::kBinary:
      if (e.binary_op != ast::BinaryOp::kAnd && e.binary_op != ast::BinaryOp::kOr &&
          !IsComparison(e.binary_op)) {
        return false;
      }
      break;
    case ExprKind::kUnary:
      if (e.unary_op != ast::UnaryOp::kNot) return false;
      break;
    case ExprKind::kIsNull:
    case ExprKind::kIsBool:
    case ExprKind::kIsDistinct:
    case ExprKind::kBetween:
    case ExprKind::kInList:
    case ExprKind::kCollate:
      break;
    case ExprKind::kLike:
      if (e.has_escape || e.pattern().kind != ExprKind::kConstant) return false;
      break;
    default:
      return false;
  }
  for (const ExprPtr& child : e.children) {
    if (child && !CannotFail(*child)) return false;
  }
  return true;
}

bool IsComparison(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kEq:
    case ast::BinaryOp::kNotEq:
    case ast::BinaryOp::kLt:
    case ast::BinaryOp::kLtEq:
    case ast::BinaryOp::kGt:
    case ast::BinaryOp::kGtEq:
      return true;
    default:
      return false;
  }
}

ast::BinaryOp MirrorComparison(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kLt:
      return ast::BinaryOp::kGt;
    case ast::BinaryOp::kLtEq:
      return ast::BinaryOp::kGtEq;
    case ast::BinaryOp::kGt:
      return ast::BinaryOp::kLt;
    case ast::BinaryOp::kGtEq:
      return ast::BinaryOp::kLtEq;
    default:
      return op;
  }
}

}  // namespace shardql::plan
