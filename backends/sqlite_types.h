#pragma once
// SQLite's type model, as a detail of the SQLite dialect: the type affinity a declared type name
// has (datatype3.html §3.1) and that the planner's types have on SQLite, and SQLite's collations.
// SqliteTypeOf maps each declared name to a type whose affinity is the name's own, so a column
// behaves on the router exactly as it does in the shard's file.

#include <string_view>

#include "planner/types.h"

namespace shardql {

// SQLite's type affinities. kNone is SQLite's BLOB affinity, which behaves as "no affinity".
enum class Affinity : uint8_t { kNone, kText, kNumeric, kInteger, kReal };

// The affinity SQLite derives from a declared column type: INT → INTEGER; CHAR, CLOB, TEXT →
// TEXT; BLOB or no type → none; REAL, FLOA, DOUB → REAL; otherwise NUMERIC.
Affinity AffinityOfDeclaredType(std::string_view declared_type);
const char* ToString(Affinity a);

// The type of a declared name on SQLite: INTEGER affinity is bigint (SQLite's integers are 64-bit),
// REAL is double precision, TEXT is text / varchar(n) / char(n), a name with no type is unknown;
// NUMERIC affinity keeps boolean, date, time, timestamp[tz], uuid, json[b] and numeric(p,s) as
// such. Always SqliteAffinity(SqliteTypeOf(name)) == AffinityOfDeclaredType(name).
SqlType SqliteTypeOf(std::string_view declared_type);

// The affinity of a type on SQLite, and of an expression (none unless its type was declared).
Affinity SqliteAffinity(const SqlType& type);
Affinity SqliteAffinity(const ExprType& type);

// SQLite's built-in collations besides BINARY, which is the default.
Collation SqliteNoCase();  // folds ASCII letters
Collation SqliteRtrim();   // ignores trailing spaces

}  // namespace shardql
