// PostgreSQL's date and time types in the binder. A backend without them (SQLite) stores them
// as ISO-8601 text, which compares as the values do; everything else is either computed here on
// constants, rendered by the dialect with PostgreSQL's meaning (the forms SqliteRenderer knows:
// date ± integer, date - date, extract of the calendar fields), or refused with 0A000.

#include <fmt/format.h>

#include "grammar/sql_error.h"
#include "planner/binder_internal.h"
#include "planner/temporal.h"

namespace shardql::bind {
namespace {

using plan::ExprKind;

// The type an operand counts as: a column's or cast's, or a constant's from its value.
TypeId OperandType(const plan::Expr& e) {
  if (e.kind == ExprKind::kConstant) {
    if (e.value.kind() == Value::Kind::kInteger) return TypeId::kInt4;
    if (e.value.kind() == Value::Kind::kText) return TypeId::kUnknown;  // an untyped literal
    return TypeOfValueKind(e.value.kind()).id;
  }
  return e.type.type.id;
}

ExprPtr TypedConstant(Value v, TypeId type) {
  ExprPtr c = plan::MakeConstant(std::move(v));
  c->type.type = SqlType(type);
  c->type.declared = true;
  return c;
}

[[noreturn]] void NotOnThisBackend(const std::string& what, size_t position) {
  throw SqlError(sqlstate::kFeatureNotSupported,
                 fmt::format("{} is not supported on SQLite shards: SQLite has no date/time "
                             "types, and only constants, comparisons, date ± integer, "
                             "date - date and extract of calendar fields keep PostgreSQL's "
                             "meaning there",
                             what),
                 position);
}

}  // namespace

ExprPtr ExpressionBinder::BindTemporalCast(ExprPtr operand, const SqlType& target,
                                           const std::string& name, size_t position) {
  if (operand->kind == ExprKind::kConstant) {
    if (operand->value.is_null()) return TypedConstant(Value::Null(), target.id);
    std::optional<Value> v = temporal::Cast(operand->value, target.id);
    if (!v) {
      throw SqlError(
          sqlstate::kDatatypeMismatch,
          fmt::format("cannot cast type {} to {}", TypeName(TypeOfValueKind(operand->value.kind())),
                      TypeName(target)),
          position);
    }
    return TypedConstant(std::move(*v), target.id);
  }
  if (operand->kind == ExprKind::kParam) {
    // The value is read as `target` when the statement runs (Session: CoerceParameters).
    ExprType type;
    type.type = target;
    type.declared = true;
    binder_.NoteParamType(operand->param_index, type);
    operand->type = type;
    return operand;
  }
  if (operand->type.type.id == target.id) {
    operand->type.declared = true;
    return operand;
  }
  if (!binder_.dialect().NativeTemporalTypes()) {
    NotOnThisBackend(fmt::format("CAST of a {} expression to {}", TypeName(operand->type.type),
                                 TypeName(target)),
                     position);
  }
  auto e = std::make_unique<plan::Expr>(ExprKind::kCast);
  e->children.push_back(std::move(operand));
  e->name = name;
  e->type.type = target;
  e->type.declared = true;
  return e;
}

void ExpressionBinder::CoerceToTemporal(ExprPtr& side, const ExprType& other, size_t position) {
  TypeId want = other.type.id;
  if (!temporal::IsTemporal(want)) return;
  if (side->kind == ExprKind::kParam) {
    binder_.NoteParamType(side->param_index, other);
    return;
  }
  if (side->kind != ExprKind::kConstant || side->value.is_null()) return;
  Value::Kind kind = side->value.kind();
  if (kind == Value::Kind::kText) {
    side = TypedConstant(*temporal::Cast(side->value, want), want);
    return;
  }
  if (!temporal::IsTemporal(kind) || TypeOfValueKind(kind).id == want) return;
  // A date compared with a timestamp compares as timestamps. A timestamp constant at midnight
  // is that date; any other one has no date equal to it.
  if (kind == Value::Kind::kDate && (want == TypeId::kTimestamp || want == TypeId::kTimestampTz)) {
    side = TypedConstant(*temporal::Cast(side->value, want), want);
    return;
  }
  if ((kind == Value::Kind::kTimestamp || kind == Value::Kind::kTimestampTz) &&
      want == TypeId::kDate) {
    Value day = *temporal::Cast(side->value, TypeId::kDate);
    if ((*temporal::Cast(day, TypeOfValueKind(kind).id)).temporal() == side->value.temporal()) {
      side = TypedConstant(std::move(day), TypeId::kDate);
      return;
    }
    if (!binder_.dialect().NativeTemporalTypes()) {
      NotOnThisBackend("comparing a date with a timestamp that is not midnight", position);
    }
  }
}

ExprPtr ExpressionBinder::BindTemporalArithmetic(ast::BinaryOp op, ExprPtr left, ExprPtr right,
                                                 size_t position) {
  TypeId l = OperandType(*left), r = OperandType(*right);
  // An untyped literal next to a date/time value reads as the type the operator wants: an
  // interval beside a timestamp, a date (for date - '…') or an interval beside a date.
  auto coerce_literal = [&](ExprPtr& side, TypeId& type, TypeId other) {
    if (type != TypeId::kUnknown || side->kind != ExprKind::kConstant) return;
    TypeId as =
        other == TypeId::kDate && op == ast::BinaryOp::kSub ? TypeId::kDate : TypeId::kInterval;
    if (other == TypeId::kInterval) as = TypeId::kInterval;
    side = BindTemporalCast(std::move(side), SqlType(as), TypeName(SqlType(as)), position);
    type = as;
  };
  if (temporal::IsTemporal(l)) coerce_literal(right, r, l);
  if (temporal::IsTemporal(r)) coerce_literal(left, l, r);
  std::optional<TypeId> result = temporal::ArithmeticType(op, l, r);
  if (!result) {
    throw SqlError(sqlstate::kUndefinedFunction,
                   fmt::format("operator does not exist: {} {} {}", TypeName(SqlType(l)),
                               ast::ToString(op), TypeName(SqlType(r))),
                   position);
  }
  if (left->kind == ExprKind::kConstant && right->kind == ExprKind::kConstant) {
    if (left->value.is_null() || right->value.is_null()) {
      return TypedConstant(Value::Null(), *result);
    }
    return TypedConstant(*temporal::Arithmetic(op, left->value, right->value), *result);
  }
  if (!binder_.dialect().NativeTemporalTypes()) {
    bool date_plus_days = *result == TypeId::kDate;  // date ± integer, integer + date
    bool days_between = *result == TypeId::kInt4;
    if (!date_plus_days && !days_between) {
      NotOnThisBackend(fmt::format("{} {} {} of a non-constant value", TypeName(SqlType(l)),
                                   ast::ToString(op), TypeName(SqlType(r))),
                       position);
    }
    if (date_plus_days && temporal::IsIntegerType(l))
      std::swap(left, right);  // n + date: date first
  }
  ExprPtr e = plan::MakeBinary(op, std::move(left), std::move(right));
  e->type.type = SqlType(*result);
  return e;
}

ExprPtr ExpressionBinder::BindExtract(const ast::Function& fn) {
  // extract(field FROM x) arrives as extract('field', x); date_part('field', x) likewise.
  bool date_part = fn.name == "date_part";
  if (fn.args.size() != 2 || fn.distinct || fn.star || fn.filter) {
    throw SqlError(sqlstate::kUndefinedFunction,
                   fmt::format("function {} takes a field and a date/time value", fn.name),
                   fn.span.begin);
  }
  ExprPtr field = Bind(*fn.args[0]);
  ExprPtr source = Bind(*fn.args[1]);
  if (field->kind != ExprKind::kConstant || field->value.kind() != Value::Kind::kText) {
    throw SqlError(sqlstate::kFeatureNotSupported,
                   fmt::format("{}'s field must be a constant", fn.name), fn.span.begin);
  }
  TypeId type = OperandType(*source);
  if (source->kind == ExprKind::kConstant && type == TypeId::kUnknown && !source->value.is_null()) {
    // date_part('year', '2001-02-03') reads the text as a timestamp, as PostgreSQL does.
    source = BindTemporalCast(std::move(source), SqlType(TypeId::kTimestamp), "timestamp",
                              fn.span.begin);
    type = TypeId::kTimestamp;
  }
  if (type != TypeId::kDate && type != TypeId::kTimestamp && type != TypeId::kTimestampTz) {
    throw SqlError(
        sqlstate::kUndefinedFunction,
        fmt::format("function {}(unknown, {}) does not exist", fn.name, TypeName(SqlType(type))),
        fn.span.begin);
  }
  std::string written(field->value.text());
  std::optional<std::string_view> canonical = temporal::CanonicalField(written);
  if (!canonical) {
    throw SqlError(
        sqlstate::kInvalidParameterValue,
        fmt::format("unit \"{}\" not recognized for type {}", written, TypeName(SqlType(type))),
        fn.span.begin);
  }
  if (!temporal::FieldApplies(*canonical, type)) {
    throw SqlError(
        sqlstate::kFeatureNotSupported,
        fmt::format("unit \"{}\" not supported for type {}", written, TypeName(SqlType(type))),
        fn.span.begin);
  }
  TypeId result = date_part ? TypeId::kFloat8 : TypeId::kNumeric;
  if (source->kind == ExprKind::kConstant) {
    if (source->value.is_null()) return TypedConstant(Value::Null(), result);
    Value v = temporal::Extract(*canonical, source->value);
    if (date_part && !v.is_null()) v = Value::Real(std::stod(std::string(v.text())));
    return TypedConstant(std::move(v), result);
  }
  if (!binder_.dialect().NativeTemporalTypes()) {
    // What SqliteRenderer computes exactly from the stored text.
    static const char* const kCalendarFields[] = {
        "year", "month",  "day",     "quarter",    "week",    "dow",  "isodow",
        "doy",  "decade", "century", "millennium", "isoyear", "hour", "minute"};
    bool supported = type == TypeId::kDate && *canonical == "epoch";
    for (const char* f : kCalendarFields)
      supported = supported || *canonical == f;
    if (!supported) {
      NotOnThisBackend(
          fmt::format("{}({} FROM a {} column)", fn.name, written, TypeName(SqlType(type))),
          fn.span.begin);
    }
  }
  auto e = std::make_unique<plan::Expr>(ExprKind::kFunction);
  e->name = fn.name;  // the renderer gives date_part its double precision
  e->children.push_back(plan::MakeConstant(Value::Text(std::string(*canonical))));
  e->children.push_back(std::move(source));
  e->type.type = SqlType(result);
  return e;
}

}  // namespace shardql::bind
