#pragma once
// Values in and out of SQLite statements, in one place for every SQLite the router talks to:
// shards, the merge engine, the dialect's scratch database, the slt runner's renderer.

#include <vector>

#include "planner/value.h"

struct sqlite3_stmt;

namespace shardql {

// Binds `v` to parameter `index` (1-based). Text and blobs are bound without copying: `v` must
// outlive the statement's use of it.
void BindSqliteValue(sqlite3_stmt* stmt, int index, const Value& v);

// Binds params[0..] to ?1.., and NULL to every further parameter the statement has.
void BindSqliteParams(sqlite3_stmt* stmt, const std::vector<Value>& params);

// The value in column `column` of the current row.
Value SqliteColumnValue(sqlite3_stmt* stmt, int column);

}  // namespace shardql
