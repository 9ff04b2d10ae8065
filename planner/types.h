#pragma once
// What the planner knows about a column's or an expression's type. The vocabulary is
// PostgreSQL's types, so a wire protocol can announce every result column and parameter; which
// names a backend accepts, what a declared name stands for and what a type means for comparing and
// storing values belong to the backend's dialect (planner/dialect.h). SQLite's type affinity, for
// one, is a detail of the SQLite dialect, derived from these types.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "planner/value.h"

namespace shardql {

// The types shardql carries without loss. kUnknown is a value with no static type: a SQLite column
// declared without one, NULL, an expression whose type only shows at run time.
enum class TypeId : uint8_t {
  kUnknown,
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kNumeric,
  kFloat4,
  kFloat8,
  kText,
  kVarchar,
  kChar,
  kBytea,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kUuid,
  kJson,
  kJsonb,
};

struct SqlType {
  TypeId id = TypeId::kUnknown;
  // varchar(n) and char(n): n; numeric(p, s): p; time(p), timestamp(p), interval(p): p. -1 when
  // not given.
  int32_t precision = -1;
  int32_t scale = -1;  // numeric(p, s): s

  SqlType() = default;
  explicit SqlType(TypeId type_id, int32_t p = -1, int32_t s = -1)
      : id(type_id), precision(p), scale(s) {}
  bool operator==(const SqlType&) const = default;
};

// PostgreSQL's name of the type (format_type): "integer", "character varying(20)",
// "numeric(10,2)", "timestamp(3) with time zone". kUnknown is "unknown".
std::string TypeName(const SqlType& type);

// What a wire protocol announces (RowDescription, ParameterDescription): pg_type's oid, its
// length (typlen: -1 for variable-length) and the type modifier (atttypmod; -1 when none). A
// value of kUnknown type is sent as text.
uint32_t TypeOid(TypeId id);
int16_t TypeLength(TypeId id);
int32_t TypeModifier(const SqlType& type);
// The type of a pg_type oid (a Parse message's parameter types); nullopt for other oids.
std::optional<TypeId> TypeIdOfOid(uint32_t oid);

// The type a value of this kind has when nothing declares one (a literal, a bound parameter).
SqlType TypeOfValueKind(Value::Kind kind);

// A collation, named by the dialect that knows it (Dialect::FindCollation) and interned here so
// that plans carry a small id and the one printer can still show its name. The default
// collation is byte order: SQLite's BINARY, PostgreSQL's "C".
class Collation {
 public:
  constexpr Collation() = default;
  // The collation of this canonical name (the dialect's spelling), made on first use. Thread-safe.
  static Collation Named(std::string_view canonical_name);

  bool is_default() const { return id_ == 0; }
  // The canonical name; "default" for byte order.
  const std::string& name() const;
  uint16_t id() const { return id_; }
  auto operator<=>(const Collation&) const = default;

 private:
  explicit constexpr Collation(uint16_t id) : id_(id) {}
  uint16_t id_ = 0;
};

// Where an expression's collation comes from: a COLLATE operator anywhere below makes it explicit
// (and it wins in a comparison); a column reference (also through CAST and unary +) gives the
// column's collation implicitly; other expressions have none (the default when used).
enum class CollationSource : uint8_t { kNone, kImplicit, kExplicit };

// The type facts of a bound expression.
struct ExprType {
  SqlType type;
  // The type was declared — the expression is a column, a CAST, or carries one's type through
  // COLLATE or a scalar subquery — rather than inferred from a literal or an operator. SQLite
  // applies a type's affinity to comparison operands only when it was declared.
  bool declared = false;
  Collation collation;
  CollationSource collation_source = CollationSource::kNone;
};

// The type of a reference to a column of type `type` and collation `collation`.
ExprType DeclaredColumnType(const SqlType& type, Collation collation);

}  // namespace shardql
