// PostgreSQL's date and time types in the binder. A backend without them (SQLite) stores them
// as ISO-8601 text, which compares as the values do; everything else is either computed here on
// constants (and the statement's clock: now(), current_date ...), rendered by the dialect with
// PostgreSQL's meaning (the forms SqliteRenderer knows: casts between date, timestamp and
// timestamptz, date ± integer, date - date, extract, date_trunc), or refused with 0A000.

#include <fmt/format.h>

#include "grammar/sql_error.h"
#include "planner/binder_internal.h"
#include "planner/temporal.h"

namespace shardql::bind {
namespace {

using plan::ExprKind;

// The type an operand counts as: a column's or cast's, or a constant's from its value.
TypeId OperandType(const plan::Expr& e) {
  if (e.kind == ExprKind::kConstant && !(e.value.is_null() && e.type.declared)) {
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

// date, timestamp, timestamptz: what SQLite converts between exactly (SqliteRenderer::Cast).
bool IsPointInTime(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

[[noreturn]] void NotOnThisBackend(const std::string& what, size_t position) {
  throw SqlError(sqlstate::kFeatureNotSupported,
                 fmt::format("{} is not supported on SQLite shards: SQLite has no date/time "
                             "types, and only constants, comparisons, casts between date and "
                             "timestamp, date ± integer, date - date, date_trunc and extract "
                             "of calendar fields keep PostgreSQL's meaning there",
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
          sqlstate::kCannotCoerce,
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
  TypeId from = operand->type.type.id;
  if (from == TypeId::kDate && target.id == TypeId::kTime) {
    // As for a constant (temporal::Cast): PostgreSQL has no such cast.
    throw SqlError(sqlstate::kCannotCoerce,
                   fmt::format("cannot cast type date to {}", TypeName(target)), position);
  }
  bool converts = IsPointInTime(from) && (IsPointInTime(target.id) || target.id == TypeId::kTime);
  if (!binder_.dialect().NativeTemporalTypes() && !converts) {
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
  if (side->kind != ExprKind::kConstant) {
    // date < timestamp < timestamptz: the lower side is cast up, as PostgreSQL's implicit casts
    // do (TimeZone is UTC, so a timestamp is the timestamptz with the same digits).
    TypeId have = side->type.type.id;
    auto rank = [](TypeId id) {
      return id == TypeId::kDate          ? 1
             : id == TypeId::kTimestamp   ? 2
             : id == TypeId::kTimestampTz ? 3
                                          : 0;
    };
    if (rank(have) != 0 && rank(want) > rank(have)) {
      side = BindTemporalCast(std::move(side), SqlType(want), TypeName(SqlType(want)), position);
    }
    return;
  }
  if (side->value.is_null()) return;
  Value::Kind kind = side->value.kind();
  if (kind == Value::Kind::kText) {
    side = TypedConstant(*temporal::Cast(side->value, want), want);
    return;
  }
  if (!temporal::IsTemporal(kind) || TypeOfValueKind(kind).id == want) return;
  // A constant of another type compares as the column's when that is exact, so the comparison
  // stays on the column's stored text (and its index): a date is a timestamp at midnight, a
  // timestamp a timestamptz at UTC and back, a timestamp at midnight that date. Any other
  // timestamp leaves the date side to be cast up (above).
  bool point = kind == Value::Kind::kDate || kind == Value::Kind::kTimestamp ||
               kind == Value::Kind::kTimestampTz;
  if (!point) return;
  if (want == TypeId::kTimestamp || want == TypeId::kTimestampTz) {
    side = TypedConstant(*temporal::Cast(side->value, want), want);
    return;
  }
  if (want == TypeId::kDate) {
    Value day = *temporal::Cast(side->value, TypeId::kDate);
    if ((*temporal::Cast(day, TypeOfValueKind(kind).id)).temporal() == side->value.temporal()) {
      side = TypedConstant(std::move(day), TypeId::kDate);
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
  if (!binder_.dialect().NativeTemporalTypes() && *canonical == "julian") {
    // SqliteRenderer computes every other field exactly from the stored text.
    NotOnThisBackend(
        fmt::format("{}({} FROM a {} column)", fn.name, written, TypeName(SqlType(type))),
        fn.span.begin);
  }
  auto e = std::make_unique<plan::Expr>(ExprKind::kFunction);
  e->name = fn.name;  // the renderer gives date_part its double precision
  e->children.push_back(plan::MakeConstant(Value::Text(std::string(*canonical))));
  e->children.push_back(std::move(source));
  e->type.type = SqlType(result);
  return e;
}

ExprPtr ExpressionBinder::BindDateTrunc(const ast::Function& fn) {
  if (fn.args.size() == 3) {
    throw SqlError(sqlstate::kFeatureNotSupported,
                   "date_trunc with a time zone is not supported (shardql's TimeZone is UTC)",
                   fn.span.begin);
  }
  if (fn.args.size() != 2 || fn.distinct || fn.star || fn.filter) {
    throw SqlError(sqlstate::kUndefinedFunction,
                   "function date_trunc takes a field and a date/time value", fn.span.begin);
  }
  ExprPtr field = Bind(*fn.args[0]);
  ExprPtr source = Bind(*fn.args[1]);
  if (field->kind != ExprKind::kConstant || field->value.kind() != Value::Kind::kText) {
    throw SqlError(sqlstate::kFeatureNotSupported, "date_trunc's field must be a constant",
                   fn.span.begin);
  }
  TypeId type = OperandType(*source);
  if (type == TypeId::kUnknown) {
    SqlError error(sqlstate::kAmbiguousFunction,
                   "function date_trunc(unknown, unknown) is not unique", fn.span.begin);
    error.hint =
        "Could not choose a best candidate function. You might need to add explicit "
        "type casts.";
    throw error;
  }
  if (!IsPointInTime(type) && type != TypeId::kInterval) {
    throw SqlError(
        sqlstate::kUndefinedFunction,
        fmt::format("function date_trunc(unknown, {}) does not exist", TypeName(SqlType(type))),
        fn.span.begin);
  }
  // A date is truncated as the timestamptz PostgreSQL casts it to.
  TypeId result = type == TypeId::kDate ? TypeId::kTimestampTz : type;
  std::string written(field->value.text());
  std::optional<std::string_view> canonical = temporal::CanonicalField(written);
  if (!canonical) canonical = written;  // not recognized, below
  if (result == TypeId::kInterval && *canonical == "week") {
    SqlError error(sqlstate::kFeatureNotSupported,
                   fmt::format("unit \"{}\" not supported for type interval", written),
                   fn.span.begin);
    error.detail = "Months usually have fractional weeks.";
    throw error;
  }
  if (!temporal::IsTruncationUnit(*canonical)) {
    throw SqlError(
        sqlstate::kInvalidParameterValue,
        fmt::format("unit \"{}\" not recognized for type {}", written, TypeName(SqlType(result))),
        fn.span.begin);
  }
  if (source->kind == ExprKind::kConstant) {
    if (source->value.is_null()) return TypedConstant(Value::Null(), result);
    return TypedConstant(temporal::Truncate(*canonical, source->value), result);
  }
  if (!binder_.dialect().NativeTemporalTypes() &&
      (type == TypeId::kInterval || *canonical == "milliseconds")) {
    NotOnThisBackend(fmt::format("date_trunc('{}', a {} column)", written, TypeName(SqlType(type))),
                     fn.span.begin);
  }
  auto e = std::make_unique<plan::Expr>(ExprKind::kFunction);
  e->name = "date_trunc";
  e->children.push_back(plan::MakeConstant(Value::Text(std::string(*canonical))));
  e->children.push_back(std::move(source));
  e->type.type = SqlType(result);
  return e;
}

bool IsClockFunction(std::string_view name) {
  return name == "now" || name == "current_timestamp" || name == "transaction_timestamp" ||
         name == "statement_timestamp" || name == "localtimestamp" || name == "current_date" ||
         name == "localtime" || name == "current_time";
}

ExprPtr ExpressionBinder::BindClock(const ast::Function& fn) {
  if (!fn.args.empty() || fn.distinct || fn.star || fn.filter) {
    throw SqlError(sqlstate::kUndefinedFunction,
                   fmt::format("function {} takes no arguments", fn.name), fn.span.begin);
  }
  if (fn.name == "current_time") {
    throw SqlError(sqlstate::kFeatureNotSupported,
                   "current_time is not supported: shardql has no time with time zone type "
                   "(localtime is the time of day at UTC)",
                   fn.span.begin);
  }
  // Fixed when the statement is planned, so every shard and the router read one value, as in
  // one PostgreSQL; the plan is then for this execution only (PlanCache keeps none).
  const temporal::StatementClock& clock = binder_.Clock();
  int64_t micros =
      fn.name == "statement_timestamp" ? clock.statement_start : clock.transaction_start;
  TypeId type = fn.name == "current_date"     ? TypeId::kDate
                : fn.name == "localtime"      ? TypeId::kTime
                : fn.name == "localtimestamp" ? TypeId::kTimestamp
                                              : TypeId::kTimestampTz;
  return TypedConstant(*temporal::Cast(Value::TimestampTz(micros), type), type);
}

}  // namespace shardql::bind
