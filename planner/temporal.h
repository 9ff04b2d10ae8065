#pragma once
// PostgreSQL's date and time arithmetic and extract() on constant values, for the router to fold
// what a backend without these types (SQLite) cannot compute with PostgreSQL's meaning, and to
// know the types the operators give. TimeZone is UTC: timestamptz arithmetic is timestamp's.

#include <optional>
#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "planner/types.h"
#include "planner/value.h"

namespace shardql::temporal {

// int2, int4, int8: what date ± n takes.
bool IsIntegerType(TypeId id);
// date, time, timestamp, timestamptz, interval.
bool IsTemporal(TypeId id);
bool IsTemporal(Value::Kind kind);

// The date/time type a CAST target names in PostgreSQL ("date", "timestamp with time zone",
// "interval(6)", ...), whatever a backend's own rules would make of the name (SQLite reads
// INTERVAL as an integer affinity); nullopt for other names.
std::optional<SqlType> TypeOfCastName(std::string_view name);

// The type PostgreSQL gives `left op right` when either side is a date/time type, for + and -;
// nullopt when PostgreSQL has no such operator (date + date, interval - date, ...). Integer
// operands are any integer type.
std::optional<TypeId> ArithmeticType(ast::BinaryOp op, TypeId left, TypeId right);

// `a op b` of two non-NULL constants as PostgreSQL computes it; nullopt when the operation is not
// one ArithmeticType allows. Throws SqlError 22008 when the result is out of the type's range.
std::optional<Value> Arithmetic(ast::BinaryOp op, const Value& a, const Value& b);

// PostgreSQL's cast of a constant to a date/time type: from text (its input rules: 22007 on bad
// input) or between date, timestamp and timestamptz. nullopt when PostgreSQL has no such cast.
std::optional<Value> Cast(const Value& v, TypeId to);

// A field name of extract()/date_part() as PostgreSQL spells its canonical unit ("year" for
// "years", "y", "yr"...); nullopt when PostgreSQL does not know it.
std::optional<std::string_view> CanonicalField(std::string_view field);

// Whether extract(field FROM x) exists for x of `type` (PostgreSQL 15: no time fields of a date).
bool FieldApplies(std::string_view canonical_field, TypeId type);

// extract(field FROM v) of a non-NULL constant, as PostgreSQL 15's numeric result.
Value Extract(std::string_view canonical_field, const Value& v);

// Whether date_trunc truncates to the field: microseconds to millennium (an interval's week
// aside, which PostgreSQL refuses on its own).
bool IsTruncationUnit(std::string_view canonical_field);

// date_trunc(field, v) of a non-NULL constant as PostgreSQL 15 computes it: a date is truncated
// as the timestamptz (at UTC midnight) PostgreSQL casts it to.
Value Truncate(std::string_view canonical_field, const Value& v);

// The clock a statement reads, as PostgreSQL keeps it: now() and current_timestamp are the
// transaction's start, statement_timestamp() the statement's. Microseconds since 2000-01-01
// 00:00:00 UTC.
struct StatementClock {
  int64_t transaction_start = 0;
  int64_t statement_start = 0;
};
// The wall clock now, in those units.
int64_t MicrosNow();

// Parameters described as a date/time type and given as text read as that type (22007 when
// they are not one), so every shard stores and compares the canonical form.
void CoerceParameters(const std::vector<ExprType>& types, std::vector<Value>& values);

}  // namespace shardql::temporal
