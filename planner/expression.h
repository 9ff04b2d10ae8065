#pragma once
// Bound expressions: the AST's expressions with names resolved to column ids, types worked out
// and subqueries turned into plans. One node struct for every kind keeps generic walks (collect
// columns, clone, rewrite) a loop over `children`; the kind says what the children and the payload
// fields mean:
//
//   kConstant   —                                   value, text (numerals as written)
//   kColumn     —                                   column
//   kParam      —                                   param_index
//   kUnary      [operand]                           unary_op
//   kBinary     [left, right]                       binary_op
//   kIsNull     [operand]                           negated
//   kIsBool     [operand]                           negated, bool_test
//   kIsDistinct [left, right]                       negated (IS NOT DISTINCT FROM)
//   kBetween    [operand, low, high]                negated
//   kInList     [operand, item...]                  negated
//   kLike       [operand, pattern, escape?]         negated, like_kind, has_escape
//   kCase       [operand?, when, then, ..., else?]  has_operand, has_else
//   kCast       [operand]                           name (the target type as written)
//   kCollate    [operand]                           name (the collation)
//   kFunction   [arg...]                            name
//   kAggregate  [arg..., filter?]                   name, distinct, star, has_filter
//   kWindow     [arg...]                            name, window (partition, order, frame)
//   kSubquery   [left operand?]                     subquery_kind, negated, binary_op, quantifier,
//                                                   plan

#include <cassert>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "planner/types.h"
#include "planner/value.h"

namespace shardql::plan {

using ColumnId = uint32_t;

struct PlanNode;
using PlanPtr = std::unique_ptr<PlanNode>;

enum class ExprKind : uint8_t {
  kConstant,
  kColumn,
  kParam,
  kUnary,
  kBinary,
  kIsNull,
  kIsBool,
  kIsDistinct,
  kBetween,
  kInList,
  kLike,
  kCase,
  kCast,
  kCollate,
  kFunction,
  kAggregate,
  kWindow,
  kSubquery,
};

enum class SubqueryKind : uint8_t {
  kScalar,      // (SELECT x ...)
  kExists,      // EXISTS (SELECT ...)
  kIn,          // left IN (SELECT ...)
  kQuantified,  // left op ANY|ALL (SELECT ...)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// The name of a kAggregate that is a bare column of a grouped query (Dialect::AllowsBareColumns):
// its one argument is the column, and it is written back as just that column.
inline constexpr const char* kBareColumn = "(bare column)";

// A set of expression kinds as bits, for the accessors' kind checks.
constexpr uint32_t KindBit(ExprKind kind) {
  return 1u << static_cast<uint32_t>(kind);
}

struct SortKey {
  ExprPtr expr;
  bool descending = false;
  ast::NullsOrder nulls = ast::NullsOrder::kDefault;

  SortKey Clone() const;
};

struct WindowDef {
  std::vector<ExprPtr> partition_by;
  std::vector<SortKey> order_by;
  std::string frame;  // passed through to the backend as written

  std::unique_ptr<WindowDef> Clone() const;
};

struct Expr {
  explicit Expr(ExprKind kind) : kind(kind) {}
  ~Expr();
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind;
  ExprType type;
  std::vector<ExprPtr> children;

  Value value;       // kConstant
  std::string text;  // kConstant: a numeral as written, so backends parse the very same digits
  ColumnId column = 0;
  uint32_t param_index = 0;
  ast::UnaryOp unary_op = ast::UnaryOp::kMinus;
  ast::BinaryOp binary_op = ast::BinaryOp::kEq;
  ast::BoolTest bool_test = ast::BoolTest::kTrue;
  ast::LikeKind like_kind = ast::LikeKind::kLike;
  ast::Quantifier quantifier = ast::Quantifier::kAny;
  SubqueryKind subquery_kind = SubqueryKind::kScalar;
  bool negated = false;
  bool has_escape = false;
  bool has_operand = false;
  bool has_else = false;
  bool distinct = false;
  bool star = false;
  bool has_filter = false;
  std::string name;
  std::unique_ptr<WindowDef> window;
  PlanPtr plan;  // kSubquery

  ExprPtr Clone() const;

  // ---- Typed views of `children` by kind (the table above). Each asserts the kind it serves.

  // kUnary, kIsNull, kIsBool, kBetween, kInList, kLike, kCast, kCollate, and the left operand of
  // a kIn or kQuantified subquery.
  const Expr& operand() const { return *Child(Has(kOperandKinds) || HasLeftOperand(), 0); }
  // kBinary, kIsDistinct.
  const Expr& left() const { return *Child(Is2(ExprKind::kBinary, ExprKind::kIsDistinct), 0); }
  const Expr& right() const { return *Child(Is2(ExprKind::kBinary, ExprKind::kIsDistinct), 1); }
  // kBetween.
  const Expr& low() const { return *Child(kind == ExprKind::kBetween, 1); }
  const Expr& high() const { return *Child(kind == ExprKind::kBetween, 2); }
  // kInList: the listed values.
  size_t item_count() const { return Checked(kind == ExprKind::kInList, children.size() - 1); }
  const Expr& item(size_t i) const { return *Child(kind == ExprKind::kInList, i + 1); }
  // kLike.
  const Expr& pattern() const { return *Child(kind == ExprKind::kLike, 1); }
  const Expr* escape() const {
    return kind == ExprKind::kLike && has_escape ? children[2].get() : nullptr;
  }
  // kFunction, kAggregate, kWindow: the arguments (an aggregate's FILTER is not one).
  size_t arg_count() const {
    return Checked(Is3(ExprKind::kFunction, ExprKind::kAggregate, ExprKind::kWindow),
                   children.size() - (has_filter ? 1 : 0));
  }
  const Expr& arg(size_t i) const {
    return *Child(Is3(ExprKind::kFunction, ExprKind::kAggregate, ExprKind::kWindow), i);
  }
  // kAggregate: FILTER (WHERE ...), or null.
  const Expr* filter() const {
    return kind == ExprKind::kAggregate && has_filter ? children.back().get() : nullptr;
  }
  // kCase: CASE [operand] WHEN when(i) THEN then(i) ... [ELSE else_value] END.
  const Expr* case_operand() const {
    return kind == ExprKind::kCase && has_operand ? children[0].get() : nullptr;
  }
  size_t when_count() const {
    return Checked(kind == ExprKind::kCase,
                   (children.size() - (has_operand ? 1 : 0) - (has_else ? 1 : 0)) / 2);
  }
  const Expr& when(size_t i) const { return *Child(kind == ExprKind::kCase, WhenIndex(i)); }
  const Expr& then(size_t i) const { return *Child(kind == ExprKind::kCase, WhenIndex(i) + 1); }
  const Expr* else_value() const {
    return kind == ExprKind::kCase && has_else ? children.back().get() : nullptr;
  }

 private:
  static constexpr uint32_t kOperandKinds =
      KindBit(ExprKind::kUnary) | KindBit(ExprKind::kIsNull) | KindBit(ExprKind::kIsBool) |
      KindBit(ExprKind::kBetween) | KindBit(ExprKind::kInList) | KindBit(ExprKind::kLike) |
      KindBit(ExprKind::kCast) | KindBit(ExprKind::kCollate);
  bool Has(uint32_t kinds) const { return (kinds & KindBit(kind)) != 0; }
  bool Is2(ExprKind a, ExprKind b) const { return kind == a || kind == b; }
  bool Is3(ExprKind a, ExprKind b, ExprKind c) const { return kind == a || kind == b || kind == c; }
  bool HasLeftOperand() const {
    return kind == ExprKind::kSubquery &&
           (subquery_kind == SubqueryKind::kIn || subquery_kind == SubqueryKind::kQuantified);
  }
  size_t WhenIndex(size_t i) const { return (has_operand ? 1 : 0) + 2 * i; }
  template <typename T>
  static T Checked(bool ok, T value) {
    assert(ok);
    (void)ok;
    return value;
  }
  const ExprPtr& Child(bool ok, size_t i) const {
    assert(ok && i < children.size() && children[i]);
    (void)ok;
    return children[i];
  }
};

// Constructors for the common shapes.
ExprPtr MakeConstant(Value value, std::string text = "");
ExprPtr MakeColumn(ColumnId id, ExprType type);
ExprPtr MakeBinary(ast::BinaryOp op, ExprPtr left, ExprPtr right);
ExprPtr MakeUnary(ast::UnaryOp op, ExprPtr operand);

// Calls `fn` on every expression in the tree (pre-order), including the expressions inside
// subquery plans when `into_subqueries` is set.
void VisitExpr(const Expr& expr, const std::function<void(const Expr&)>& fn,
               bool into_subqueries = false);

// The column ids an expression reads, in first-use order, without duplicates (subqueries' outer
// references included when `into_subqueries`).
std::vector<ColumnId> ReferencedColumns(const Expr& expr, bool into_subqueries = true);

// True when the expression holds an aggregate / window call / subquery anywhere below it (not
// looking inside subquery plans).
bool ContainsKind(const Expr& expr, ExprKind kind);

// Calls `fn` on each top-level AND conjunct of `predicate`, left to right, in place. `E` is Expr or
// const Expr.
template <typename E, typename Fn>
void ForEachConjunct(E& predicate, Fn&& fn) {
  if (predicate.kind == ExprKind::kBinary && predicate.binary_op == ast::BinaryOp::kAnd) {
    ForEachConjunct(*predicate.children[0], fn);
    ForEachConjunct(*predicate.children[1], fn);
  } else {
    fn(predicate);
  }
}

// Splits a predicate into its top-level AND conjuncts (moves out of `predicate`).
std::vector<ExprPtr> SplitConjuncts(ExprPtr predicate);
// Joins conjuncts back with AND; null for an empty list.
ExprPtr JoinConjuncts(std::vector<ExprPtr> conjuncts);

// The comparison operators and their mirror image (a < b ⇔ b > a).
bool IsComparison(ast::BinaryOp op);
// Whether evaluating `e` can never raise an error, whatever the row: columns, constants,
// parameters, comparisons, AND / OR / NOT, IS [NOT] NULL / TRUE / DISTINCT FROM, BETWEEN, IN
// lists, COLLATE and LIKE with a constant pattern and no ESCAPE. A rewrite that evaluates such
// an expression on rows the query would not have evaluated it on adds no error.
bool CannotFail(const Expr& e);
ast::BinaryOp MirrorComparison(ast::BinaryOp op);

}  // namespace shardql::plan
