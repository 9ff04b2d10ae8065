#pragma once
// Values in and out of SQLite statements, in one place for every SQLite the router talks to:
// shards, the merge engine, the dialect's scratch database, the slt runner's renderer.

#include <vector>

#include "planner/value.h"

struct sqlite3_stmt;

namespace shardql {

// Whether SQLite has the value's kind as a storage class (NULL, INTEGER, REAL, TEXT, BLOB).
inline bool IsSqliteStorageClass(const Value& v) {
  return v.kind() <= Value::Kind::kBlob;
}

// The value SQLite stores for `v`: a boolean is the INTEGER 0 or 1; PostgreSQL's other kinds
// (numeric, dates and times, interval, uuid, json) are their PostgreSQL text, which is how SQLite
// keeps them and what its date functions read.
Value SqliteStorageValue(const Value& v);

// Binds `v` to parameter `index` (1-based). Text and blobs are bound without copying: `v` must
// outlive the statement's use of it.
void BindSqliteValue(sqlite3_stmt* stmt, int index, const Value& v);

// Binds params[0..] to ?1.., and NULL to every further parameter the statement has.
void BindSqliteParams(sqlite3_stmt* stmt, const std::vector<Value>& params);

// The value in column `column` of the current row.
Value SqliteColumnValue(sqlite3_stmt* stmt, int column);

}  // namespace shardql
