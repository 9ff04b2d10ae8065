// Expression binding: names to column ids, aggregates and window calls collected into their
// query block, subqueries bound as plans, and SQLite's affinity and collation rules applied to
// every node's type.

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "grammar/sql_error.h"
#include "grammar/stack_guard.h"
#include "planner/binder_internal.h"
#include "planner/plan_printer.h"
#include "planner/temporal.h"

namespace shardql::bind {

using plan::Expr;
using plan::ExprKind;

namespace {

// A date/time value by its type, or a date/time constant.
bool IsTemporalOperand(const Expr& e) {
  if (e.kind == ExprKind::kConstant) return temporal::IsTemporal(e.value.kind());
  return temporal::IsTemporal(e.type.type.id);
}

const char* ContextName(ExprContext context) {
  switch (context) {
    case ExprContext::kWhere:
      return "WHERE";
    case ExprContext::kJoinCondition:
      return "JOIN conditions";
    case ExprContext::kGroupBy:
      return "GROUP BY";
    case ExprContext::kSelectList:
      return "the select list";
    case ExprContext::kHaving:
      return "HAVING";
    case ExprContext::kOrderBy:
      return "ORDER BY";
    case ExprContext::kAggregateArg:
      return "aggregate function calls";
    case ExprContext::kWindowArg:
      return "window function calls";
    case ExprContext::kValues:
      return "VALUES";
    case ExprContext::kAssignment:
      return "UPDATE SET";
  }
  return "?";
}

bool AllowsAggregates(ExprContext c) {
  return c == ExprContext::kSelectList || c == ExprContext::kHaving || c == ExprContext::kOrderBy ||
         c == ExprContext::kWindowArg;
}

bool AllowsWindows(ExprContext c) {
  return c == ExprContext::kSelectList || c == ExprContext::kOrderBy;
}

// A COLLATE anywhere below makes the whole expression's collation explicit (SQLite's EP_Collate);
// the leftmost such child decides.
void PropagateExplicitCollation(Expr& e) {
  for (const ExprPtr& child : e.children) {
    if (child && child->type.collation_source == CollationSource::kExplicit) {
      e.type.collation = child->type.collation;
      e.type.collation_source = CollationSource::kExplicit;
      return;
    }
  }
}

ExprPtr NewExpr(ExprKind kind) {
  return std::make_unique<Expr>(kind);
}

}  // namespace

ExprType ColumnType(const ColumnInfo& column) {
  return DeclaredColumnType(column.type, column.collation);
}

ExprType AsColumnType(const ExprType& type) {
  ExprType out = type;
  out.collation_source = CollationSource::kImplicit;
  if (type.collation_source == CollationSource::kNone) out.collation = Collation();
  return out;
}

bool HasAggregateCall(const ast::Expr& expr, const FunctionCatalog& functions) {
  CheckStackDepth();
  switch (expr.kind) {
    case ast::ExprKind::kFunction: {
      const auto& fn = expr.As<ast::Function>();
      if (!fn.over && functions.IsAggregate(fn.name, fn.star ? 1 : fn.args.size())) return true;
      for (const auto& a : fn.args) {
        if (HasAggregateCall(*a, functions)) return true;
      }
      return fn.filter && HasAggregateCall(*fn.filter, functions);
    }
    case ast::ExprKind::kUnary:
      return HasAggregateCall(*expr.As<ast::Unary>().operand, functions);
    case ast::ExprKind::kBinary:
      return HasAggregateCall(*expr.As<ast::Binary>().left, functions) ||
             HasAggregateCall(*expr.As<ast::Binary>().right, functions);
    case ast::ExprKind::kIsNull:
      return HasAggregateCall(*expr.As<ast::IsNull>().operand, functions);
    case ast::ExprKind::kIsBool:
      return HasAggregateCall(*expr.As<ast::IsBool>().operand, functions);
    case ast::ExprKind::kIsDistinct:
      return HasAggregateCall(*expr.As<ast::IsDistinct>().left, functions) ||
             HasAggregateCall(*expr.As<ast::IsDistinct>().right, functions);
    case ast::ExprKind::kBetween: {
      const auto& b = expr.As<ast::Between>();
      return HasAggregateCall(*b.operand, functions) || HasAggregateCall(*b.low, functions) ||
             HasAggregateCall(*b.high, functions);
    }
    case ast::ExprKind::kInList: {
      const auto& in = expr.As<ast::InList>();
      if (HasAggregateCall(*in.operand, functions)) return true;
      for (const auto& item : in.list) {
        if (HasAggregateCall(*item, functions)) return true;
      }
      return false;
    }
    case ast::ExprKind::kInQuery:
      return HasAggregateCall(*expr.As<ast::InQuery>().operand, functions);
    case ast::ExprKind::kQuantified:
      return HasAggregateCall(*expr.As<ast::Quantified>().left, functions);
    case ast::ExprKind::kLike: {
      const auto& like = expr.As<ast::Like>();
      return HasAggregateCall(*like.operand, functions) ||
             HasAggregateCall(*like.pattern, functions) ||
             (like.escape && HasAggregateCall(*like.escape, functions));
    }
    case ast::ExprKind::kCase: {
      const auto& c = expr.As<ast::Case>();
      if (c.operand && HasAggregateCall(*c.operand, functions)) return true;
      for (const auto& w : c.whens) {
        if (HasAggregateCall(*w.when, functions) || HasAggregateCall(*w.then, functions))
          return true;
      }
      return c.else_result && HasAggregateCall(*c.else_result, functions);
    }
    case ast::ExprKind::kCast:
      return HasAggregateCall(*expr.As<ast::Cast>().operand, functions);
    case ast::ExprKind::kCollate:
      return HasAggregateCall(*expr.As<ast::Collate>().operand, functions);
    default:
      return false;
  }
}

ExprPtr ExpressionBinder::BindLiteral(const ast::Literal& literal) {
  switch (literal.literal_kind) {
    case ast::LiteralKind::kNull:
      return plan::MakeConstant(Value::Null());
    case ast::LiteralKind::kInteger: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(literal.text.c_str(), &end, 10);
      if (errno == ERANGE || *end != '\0') {
        // Like SQLite, an integer literal too large for 64 bits is a REAL.
        return plan::MakeConstant(Value::Real(std::strtod(literal.text.c_str(), nullptr)),
                                  literal.text);
      }
      return plan::MakeConstant(Value::Integer(v), literal.text);
    }
    case ast::LiteralKind::kFloat:
      return plan::MakeConstant(Value::Real(std::strtod(literal.text.c_str(), nullptr)),
                                literal.text);
    case ast::LiteralKind::kString:
      return plan::MakeConstant(Value::Text(literal.text));
    case ast::LiteralKind::kBlob:
      return plan::MakeConstant(Value::Blob(literal.text));
    case ast::LiteralKind::kBoolean:
      return plan::MakeConstant(Value::Boolean(literal.text == "true"));
  }
  return plan::MakeConstant(Value::Null());
}

ExprPtr ExpressionBinder::BindColumnRef(const ast::ColumnRef& ref) {
  std::vector<std::string> parts = ref.parts;
  if (parts.size() == 3) {
    if (parts[0] != "main" && parts[0] != "public") {
      throw SqlError(sqlstate::kUndefinedTable,
                     fmt::format("schema \"{}\" does not exist", parts[0]), ref.span.begin);
    }
    parts.erase(parts.begin());
  }
  if (parts.size() > 3 || parts.empty()) {
    throw SqlError(sqlstate::kSyntaxError,
                   fmt::format("improper qualified name (too many dotted names): {}",
                               binder_.SpanText(ref.span)),
                   ref.span.begin);
  }
  const std::string& name = parts.back();
  bool qualified = parts.size() == 2;
  for (const Scope* s = scope_; s; s = s->parent) {
    if (!qualified) {
      const ScopeColumn* found = nullptr;
      for (const ScopeTable& t : s->tables) {
        for (const ScopeColumn& c : t.columns) {
          if (c.name != name || s->merged_away.count(c.id)) continue;
          if (found && found->id != c.id) {
            throw SqlError(sqlstate::kAmbiguousColumn,
                           fmt::format("column reference \"{}\" is ambiguous", name),
                           ref.span.begin);
          }
          found = &c;
        }
      }
      if (found) return plan::MakeColumn(found->id, found->type);
      continue;
    }
    const std::string& table = parts[0];
    for (const ScopeTable& t : s->tables) {
      if (t.alias != table) continue;
      for (const ScopeColumn& c : t.columns) {
        if (c.name == name) return plan::MakeColumn(c.id, c.type);
      }
      throw SqlError(sqlstate::kUndefinedColumn,
                     fmt::format("column {}.{} does not exist", table, name), ref.span.begin);
    }
  }
  if (qualified) {
    throw SqlError(sqlstate::kUndefinedTable,
                   fmt::format("missing FROM-clause entry for table \"{}\"", parts[0]),
                   ref.span.begin);
  }
  throw SqlError(sqlstate::kUndefinedColumn, fmt::format("column \"{}\" does not exist", name),
                 ref.span.begin);
}

ExprPtr ExpressionBinder::BindSubquery(const ast::Query& query, plan::SubqueryKind kind,
                                       size_t position, ExprPtr left) {
  Binder::BoundQuery bound = binder_.BindQuery(query, scope_);
  if (kind != plan::SubqueryKind::kExists && bound.outputs.size() != 1) {
    throw SqlError(
        sqlstate::kSyntaxError,
        bound.outputs.size() > 1 ? "subquery has too many columns" : "subquery has too few columns",
        position);
  }
  auto e = NewExpr(ExprKind::kSubquery);
  e->subquery_kind = kind;
  if (kind == plan::SubqueryKind::kScalar) {
    // A scalar subquery compares with the type and collation of its one column.
    const ExprType& inner = binder_.columns()[bound.outputs[0]].type;
    e->type = inner;
    e->type.collation_source = inner.collation_source == CollationSource::kNone
                                   ? CollationSource::kNone
                                   : CollationSource::kImplicit;
  }
  if (left) e->children.push_back(std::move(left));
  e->plan = std::move(bound.plan);
  return e;
}

std::vector<plan::SortKey> ExpressionBinder::BindOrderItems(
    const std::vector<ast::OrderItem>& items) {
  std::vector<plan::SortKey> keys;
  for (const ast::OrderItem& item : items) {
    plan::SortKey key;
    key.expr = Bind(*item.expr);
    key.descending = item.direction == ast::SortDirection::kDesc;
    key.nulls = item.nulls;
    keys.push_back(std::move(key));
  }
  return keys;
}

ExprPtr ExpressionBinder::BindAggregate(const ast::Function& fn) {
  if (!AllowsAggregates(context_) || collector_ == nullptr) {
    throw SqlError(
        sqlstate::kGroupingError,
        context_ == ExprContext::kAggregateArg
            ? std::string("aggregate function calls cannot be nested")
            : fmt::format("aggregate functions are not allowed in {}", ContextName(context_)),
        fn.span.begin);
  }
  if (fn.star && fn.distinct) {
    throw SqlError(sqlstate::kSyntaxError, fmt::format("{}(DISTINCT *) is not allowed", fn.name),
                   fn.span.begin);
  }
  if (fn.star && fn.name != "count") {
    throw SqlError(sqlstate::kSyntaxError, fmt::format("{}(*) is not allowed", fn.name),
                   fn.span.begin);
  }
  ExpressionBinder arg_binder(binder_, collector_->from_scope, ExprContext::kAggregateArg,
                              collector_);
  auto e = NewExpr(ExprKind::kAggregate);
  e->name = fn.name;
  e->distinct = fn.distinct;
  e->star = fn.star;
  for (const auto& arg : fn.args)
    e->children.push_back(arg_binder.Bind(*arg));
  if (fn.filter) {
    ExpressionBinder filter_binder(binder_, collector_->from_scope, ExprContext::kWhere, nullptr);
    e->children.push_back(filter_binder.Bind(*fn.filter));
    e->has_filter = true;
  }
  PropagateExplicitCollation(*e);
  // The result's type, as clients are told it; inferred, so SQLite gives it no affinity.
  e->type.type = binder_.dialect().Functions().ResultType(
      e->name, fn.args.empty() ? nullptr : &e->children[0]->type.type);
  for (size_t i = 0; i < collector_->aggregates.size(); ++i) {
    if (ExprEquals(*collector_->aggregates[i], *e)) {
      return plan::MakeColumn(collector_->aggregate_ids[i], collector_->aggregates[i]->type);
    }
  }
  ExprType type = e->type;
  ColumnId id = binder_.NewColumn(FormatExpr(*e, binder_.columns()), type);
  collector_->aggregates.push_back(std::move(e));
  collector_->aggregate_ids.push_back(id);
  return plan::MakeColumn(id, type);
}

ExprPtr ExpressionBinder::BindWindow(const ast::Function& fn) {
  if (!AllowsWindows(context_) || collector_ == nullptr) {
    throw SqlError(
        sqlstate::kGroupingError,
        context_ == ExprContext::kWindowArg
            ? std::string("window function calls cannot be nested")
            : fmt::format("window functions are not allowed in {}", ContextName(context_)),
        fn.span.begin);
  }
  const ast::WindowSpec* spec = fn.over.get();
  if (!spec->name.empty()) {
    const ast::WindowSpec* named = nullptr;
    if (collector_->named_windows) {
      for (const auto& [name, w] : *collector_->named_windows) {
        if (name == spec->name) named = w.get();
      }
    }
    if (!named) {
      throw SqlError(sqlstate::kUndefinedObject,
                     fmt::format("window \"{}\" does not exist", spec->name), fn.span.begin);
    }
    spec = named;
  }
  // Window arguments see the block after grouping: aggregates are allowed, window calls are not.
  ExpressionBinder arg_binder(binder_, scope_, ExprContext::kWindowArg, collector_);
  auto e = NewExpr(ExprKind::kWindow);
  e->name = fn.name;
  e->distinct = fn.distinct;
  e->star = fn.star;
  for (const auto& arg : fn.args)
    e->children.push_back(arg_binder.Bind(*arg));
  e->window = std::make_unique<plan::WindowDef>();
  for (const auto& p : spec->partition_by)
    e->window->partition_by.push_back(arg_binder.Bind(*p));
  e->window->order_by = arg_binder.BindOrderItems(spec->order_by);
  e->window->frame = spec->frame;
  ExprType type = e->type;
  ColumnId id = binder_.NewColumn(FormatExpr(*e, binder_.columns()), type);
  collector_->windows.push_back(std::move(e));
  collector_->window_ids.push_back(id);
  return plan::MakeColumn(id, type);
}

void ExpressionBinder::CoerceOperands(plan::Expr& e, size_t position) {
  // x BETWEEN a AND b, x IN (a, b): each of a, b compares with x, so the date/time types meet as
  // in x = a (CoerceToTemporal both ways), then the others see x's type after that.
  for (size_t i = 1; i < e.children.size(); ++i)
    CoerceToTemporal(e.children[i], e.children[0]->type, position);
  for (size_t i = 1; i < e.children.size(); ++i)
    CoerceToTemporal(e.children[0], e.children[i]->type, position);
  for (size_t i = 1; i < e.children.size(); ++i)
    CoerceToTemporal(e.children[i], e.children[0]->type, position);
}

ExprPtr ExpressionBinder::BindFunction(const ast::Function& fn) {
  if (fn.over) return BindWindow(fn);
  if (fn.name == "extract" || fn.name == "date_part") return BindExtract(fn);
  if (fn.name == "date_trunc") return BindDateTrunc(fn);
  if (IsClockFunction(fn.name)) return BindClock(fn);
  size_t arg_count = fn.star ? 1 : fn.args.size();
  if (binder_.dialect().Functions().IsAggregate(fn.name, arg_count)) return BindAggregate(fn);
  if (fn.distinct || fn.star || fn.filter) {
    throw SqlError(sqlstate::kSyntaxError,
                   fmt::format("DISTINCT, * and FILTER are only allowed in aggregate functions, "
                               "and {} is not one",
                               fn.name),
                   fn.span.begin);
  }
  auto e = NewExpr(ExprKind::kFunction);
  e->name = fn.name;
  for (const auto& arg : fn.args)
    e->children.push_back(Bind(*arg));
  PropagateExplicitCollation(*e);
  return e;
}

ExprPtr ExpressionBinder::Bind(const ast::Expr& expr) {
  CheckStackDepth();
  switch (expr.kind) {
    case ast::ExprKind::kLiteral:
      return BindLiteral(expr.As<ast::Literal>());
    case ast::ExprKind::kColumnRef:
      return BindColumnRef(expr.As<ast::ColumnRef>());
    case ast::ExprKind::kStar:
      throw SqlError(sqlstate::kSyntaxError, "\"*\" is not allowed here", expr.span.begin);
    case ast::ExprKind::kParam: {
      auto e = NewExpr(ExprKind::kParam);
      e->param_index = expr.As<ast::Param>().index;
      binder_.NoteParam(e->param_index);
      return e;
    }
    case ast::ExprKind::kUnary: {
      const auto& u = expr.As<ast::Unary>();
      // A minus sign in front of a numeral folds into the constant, as SQLite's parser does, so
      // -9223372036854775808 is the smallest INTEGER and shard pruning sees a plain value.
      if (u.op == ast::UnaryOp::kMinus && u.operand->kind == ast::ExprKind::kLiteral) {
        const auto& lit = u.operand->As<ast::Literal>();
        if (lit.literal_kind == ast::LiteralKind::kInteger ||
            lit.literal_kind == ast::LiteralKind::kFloat) {
          ExprPtr c = BindLiteral(lit);
          if (c->value.kind() == Value::Kind::kInteger) {
            // -(-9223372036854775808) is no INTEGER: SQLite makes it a REAL.
            c->value = c->value.integer() != std::numeric_limits<int64_t>::min()
                           ? Value::Integer(-c->value.integer())
                           : Value::Real(9223372036854775808.0);
          } else if (lit.literal_kind == ast::LiteralKind::kInteger &&
                     lit.text == "9223372036854775808") {
            c->value = Value::Integer(std::numeric_limits<int64_t>::min());
          } else if (c->value.kind() == Value::Kind::kReal) {
            c->value = Value::Real(-c->value.real());
          }
          // The numeral as it reads now: "-5", and "5" again for "- -5" (never "--5", which a
          // backend would read as the start of a comment).
          c->text = !c->text.empty() && c->text[0] == '-' ? c->text.substr(1) : "-" + c->text;
          return c;
        }
      }
      ExprPtr e = plan::MakeUnary(u.op, Bind(*u.operand));
      if (u.op == ast::UnaryOp::kPlus) {
        // Unary plus keeps the operand's type and collation but not its declaration: SQLite
        // gives `+col` no affinity (TK_UPLUS).
        e->type = e->children[0]->type;
        e->type.declared = false;
      }
      return e;
    }
    case ast::ExprKind::kBinary: {
      const auto& b = expr.As<ast::Binary>();
      ExprPtr left = Bind(*b.left);
      ExprPtr right = Bind(*b.right);
      // `k = $1`: the parameter is described with the type of what it is compared with.
      if (left->kind == ExprKind::kParam && right->kind == ExprKind::kColumn) {
        binder_.NoteParamType(left->param_index, right->type);
      } else if (right->kind == ExprKind::kParam && left->kind == ExprKind::kColumn) {
        binder_.NoteParamType(right->param_index, left->type);
      }
      if (plan::IsComparison(b.op)) {
        // A constant side first: it takes the column's type where that is exact, and the column
        // keeps its stored text (and index) instead of being cast up.
        if (left->kind == plan::ExprKind::kConstant) {
          CoerceToTemporal(left, right->type, expr.span.begin);
          CoerceToTemporal(right, left->type, expr.span.begin);
        } else {
          CoerceToTemporal(right, left->type, expr.span.begin);
          CoerceToTemporal(left, right->type, expr.span.begin);
        }
      } else if ((b.op == ast::BinaryOp::kAdd || b.op == ast::BinaryOp::kSub) &&
                 (IsTemporalOperand(*left) || IsTemporalOperand(*right))) {
        return BindTemporalArithmetic(b.op, std::move(left), std::move(right), expr.span.begin);
      }
      return plan::MakeBinary(b.op, std::move(left), std::move(right));
    }
    case ast::ExprKind::kIsNull: {
      auto e = NewExpr(ExprKind::kIsNull);
      e->negated = expr.As<ast::IsNull>().negated;
      e->children.push_back(Bind(*expr.As<ast::IsNull>().operand));
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kIsBool: {
      const auto& ib = expr.As<ast::IsBool>();
      auto e = NewExpr(ExprKind::kIsBool);
      e->negated = ib.negated;
      e->bool_test = ib.test;
      e->children.push_back(Bind(*ib.operand));
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kIsDistinct: {
      const auto& d = expr.As<ast::IsDistinct>();
      auto e = NewExpr(ExprKind::kIsDistinct);
      e->negated = d.negated;
      e->children.push_back(Bind(*d.left));
      e->children.push_back(Bind(*d.right));
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kBetween: {
      const auto& b = expr.As<ast::Between>();
      auto e = NewExpr(ExprKind::kBetween);
      e->negated = b.negated;
      e->children.push_back(Bind(*b.operand));
      e->children.push_back(Bind(*b.low));
      e->children.push_back(Bind(*b.high));
      CoerceOperands(*e, expr.span.begin);
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kInList: {
      const auto& in = expr.As<ast::InList>();
      auto e = NewExpr(ExprKind::kInList);
      e->negated = in.negated;
      e->children.push_back(Bind(*in.operand));
      for (const auto& item : in.list)
        e->children.push_back(Bind(*item));
      CoerceOperands(*e, expr.span.begin);
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kInQuery: {
      const auto& in = expr.As<ast::InQuery>();
      ExprPtr e =
          BindSubquery(*in.query, plan::SubqueryKind::kIn, expr.span.begin, Bind(*in.operand));
      e->negated = in.negated;
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kQuantified: {
      const auto& q = expr.As<ast::Quantified>();
      ExprPtr e =
          BindSubquery(*q.query, plan::SubqueryKind::kQuantified, expr.span.begin, Bind(*q.left));
      e->binary_op = q.op;
      e->quantifier = q.quantifier;
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kLike: {
      const auto& like = expr.As<ast::Like>();
      auto e = NewExpr(ExprKind::kLike);
      e->negated = like.negated;
      e->like_kind = like.like_kind;
      e->children.push_back(Bind(*like.operand));
      e->children.push_back(Bind(*like.pattern));
      if (like.escape) {
        e->children.push_back(Bind(*like.escape));
        e->has_escape = true;
      }
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kCase: {
      const auto& c = expr.As<ast::Case>();
      auto e = NewExpr(ExprKind::kCase);
      if (c.operand) {
        e->children.push_back(Bind(*c.operand));
        e->has_operand = true;
      }
      for (const auto& w : c.whens) {
        e->children.push_back(Bind(*w.when));
        e->children.push_back(Bind(*w.then));
      }
      if (c.else_result) {
        e->children.push_back(Bind(*c.else_result));
        e->has_else = true;
      }
      PropagateExplicitCollation(*e);
      return e;
    }
    case ast::ExprKind::kCast: {
      const auto& cast = expr.As<ast::Cast>();
      auto e = NewExpr(ExprKind::kCast);
      e->children.push_back(Bind(*cast.operand));
      e->name = cast.type.name;
      if (!cast.type.modifiers.empty()) {
        e->name += "(";
        for (size_t i = 0; i < cast.type.modifiers.size(); ++i) {
          e->name += (i ? "," : "") + cast.type.modifiers[i];
        }
        e->name += ")";
      }
      // CAST declares its type and keeps the operand's collation.
      if (std::optional<SqlType> temporal_type = temporal::TypeOfCastName(e->name)) {
        return BindTemporalCast(std::move(e->children[0]), *temporal_type, e->name,
                                expr.span.begin);
      }
      e->type.type = binder_.dialect().ResolveType(e->name);
      e->type.declared = true;
      e->type.collation = e->children[0]->type.collation;
      e->type.collation_source = e->children[0]->type.collation_source;
      return e;
    }
    case ast::ExprKind::kCollate: {
      const auto& c = expr.As<ast::Collate>();
      std::optional<Collation> collation = binder_.dialect().FindCollation(c.collation);
      if (!collation) {
        throw SqlError(sqlstate::kUndefinedObject,
                       fmt::format("collation \"{}\" does not exist", c.collation),
                       expr.span.begin);
      }
      auto e = NewExpr(ExprKind::kCollate);
      e->children.push_back(Bind(*c.operand));
      e->name = collation->is_default() ? c.collation : collation->name();
      e->type.type = e->children[0]->type.type;
      e->type.declared = e->children[0]->type.declared;
      e->type.collation = *collation;
      e->type.collation_source = CollationSource::kExplicit;
      return e;
    }
    case ast::ExprKind::kFunction:
      return BindFunction(expr.As<ast::Function>());
    case ast::ExprKind::kExists:
      return BindSubquery(*expr.As<ast::Exists>().query, plan::SubqueryKind::kExists,
                          expr.span.begin, nullptr);
    case ast::ExprKind::kSubquery:
      return BindSubquery(*expr.As<ast::Subquery>().query, plan::SubqueryKind::kScalar,
                          expr.span.begin, nullptr);
  }
  throw SqlError(sqlstate::kInternalError, "unknown expression kind");
}

bool ExprEquals(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.children.size() != b.children.size()) return false;
  switch (a.kind) {
    case ExprKind::kConstant:
      if (!(a.value == b.value) || a.text != b.text) return false;
      break;
    case ExprKind::kColumn:
      if (a.column != b.column) return false;
      break;
    case ExprKind::kParam:
      if (a.param_index != b.param_index) return false;
      break;
    case ExprKind::kSubquery:
    case ExprKind::kWindow:
      return false;
    default:
      if (a.unary_op != b.unary_op || a.binary_op != b.binary_op || a.bool_test != b.bool_test ||
          a.like_kind != b.like_kind || a.negated != b.negated || a.has_escape != b.has_escape ||
          a.has_operand != b.has_operand || a.has_else != b.has_else || a.distinct != b.distinct ||
          a.star != b.star || a.has_filter != b.has_filter || a.name != b.name) {
        return false;
      }
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!ExprEquals(*a.children[i], *b.children[i])) return false;
  }
  return true;
}

}  // namespace shardql::bind
