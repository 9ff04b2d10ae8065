#pragma once
// What the planner knows about a column's or an expression's type: the declared type as written,
// the type affinity that governs comparisons and storage (SQLite's model; PostgreSQL's static
// types map onto it) and the collation that governs text comparison.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shardql {

// SQLite's type affinities. kNone is SQLite's BLOB affinity, which behaves as "no affinity".
enum class Affinity : uint8_t { kNone, kText, kNumeric, kInteger, kReal };

// The affinity SQLite derives from a declared column type (datatype3.html §3.1): INT → INTEGER;
// CHAR, CLOB, TEXT → TEXT; BLOB or no type → none; REAL, FLOA, DOUB → REAL; otherwise NUMERIC.
Affinity AffinityOfDeclaredType(std::string_view declared_type);

bool IsNumericAffinity(Affinity a);
const char* ToString(Affinity a);

// Built-in collations. kBinary compares bytes; kNoCase folds ASCII letters; kRtrim ignores
// trailing spaces.
enum class Collation : uint8_t { kBinary, kNoCase, kRtrim };

std::optional<Collation> CollationByName(std::string_view name);  // case-insensitive
const char* ToString(Collation c);                                // "BINARY", "NOCASE", "RTRIM"

// Where an expression's collation comes from, after SQLite's rules: a COLLATE operator anywhere
// below makes it explicit (and it wins in a comparison); a column reference (also through CAST and
// unary +) gives the column's collation implicitly; other expressions have none (BINARY when used).
enum class CollationSource : uint8_t { kNone, kImplicit, kExplicit };

// The type facts of a bound expression.
struct ExprType {
  Affinity affinity = Affinity::kNone;
  Collation collation = Collation::kBinary;
  CollationSource collation_source = CollationSource::kNone;
  // The declared type when the expression is a column or a CAST: shown by the fronts.
  std::string declared_type;
};

// The collation SQLite uses to compare `left` with `right` (sqlite3BinaryCompareCollSeq).
Collation ComparisonCollation(const ExprType& left, const ExprType& right);

// The affinity SQLite applies to the operands of a comparison (sqlite3CompareAffinity): numeric if
// either side has a numeric affinity and the other is a column-like operand or has none, etc.
// Returns kNone when no conversion happens.
Affinity ComparisonAffinity(const ExprType& left, const ExprType& right);

}  // namespace shardql
