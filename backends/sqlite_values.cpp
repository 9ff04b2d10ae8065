#include "backends/sqlite_values.h"

#include <sqlite3.h>

#include "planner/value_text.h"

namespace shardql {

Value SqliteStorageValue(const Value& v) {
  if (v.kind() == Value::Kind::kBoolean) return Value::Integer(v.integer());
  if (IsSqliteStorageClass(v)) return v;
  return Value::Text(FormatValueText(v));
}

void BindSqliteValue(sqlite3_stmt* stmt, int index, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      sqlite3_bind_null(stmt, index);
      break;
    case Value::Kind::kInteger:
    case Value::Kind::kBoolean:
      sqlite3_bind_int64(stmt, index, v.integer());
      break;
    case Value::Kind::kReal:
      sqlite3_bind_double(stmt, index, v.real());
      break;
    case Value::Kind::kText:
      sqlite3_bind_text(stmt, index, v.bytes().data(), static_cast<int>(v.bytes().size()),
                        SQLITE_STATIC);
      break;
    case Value::Kind::kBlob:
      sqlite3_bind_blob(stmt, index, v.bytes().data(), static_cast<int>(v.bytes().size()),
                        SQLITE_STATIC);
      break;
    default: {
      std::string text = FormatValueText(v);
      sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      break;
    }
  }
}

void BindSqliteParams(sqlite3_stmt* stmt, const std::vector<Value>& params) {
  int expected = sqlite3_bind_parameter_count(stmt);
  for (int i = 0; i < expected; ++i) {
    if (static_cast<size_t>(i) < params.size()) {
      BindSqliteValue(stmt, i + 1, params[i]);
    } else {
      sqlite3_bind_null(stmt, i + 1);
    }
  }
}

Value SqliteColumnValue(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return Value::Integer(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
      return Value::Real(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT:
      return Value::Text(
          std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, column)),
                      sqlite3_column_bytes(stmt, column)));
    case SQLITE_BLOB: {
      const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      return Value::Blob(std::string(p ? p : "", sqlite3_column_bytes(stmt, column)));
    }
    default:
      return Value::Null();
  }
}

}  // namespace shardql
