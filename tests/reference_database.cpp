#include "tests/reference_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "backends/sqlite_values.h"

namespace shardql::testing {

ReferenceDatabase::ReferenceDatabase() {
  sqlite3_open(":memory:", &db_);
}

ReferenceDatabase::~ReferenceDatabase() {
  sqlite3_close(db_);
}

std::string ReferenceDatabase::Exec(const std::string& sql) {
  static const std::regex kDistribution("DISTRIBUTE\\s+BY\\s+(HASH\\s*\\([^)]*\\)|REFERENCE)",
                                        std::regex::icase);
  std::string plain = std::regex_replace(sql, kDistribution, "");
  char* error = nullptr;
  if (sqlite3_exec(db_, plain.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return "";
  std::string message = error ? error : "unknown error";
  sqlite3_free(error);
  return message;
}

std::optional<Rows> ReferenceDatabase::Query(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return std::nullopt;
  Rows rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<Value> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c)
      row.push_back(SqliteColumnValue(stmt, c));
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return std::nullopt;
  return rows;
}

std::string RowsText(const Rows& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (const Value& v : row) {
      // A NUL byte would end the message where doctest prints it.
      for (char c : v.DebugString())
        out += c == '\0' ? std::string("\\0") : std::string(1, c);
      out += std::string(":") + ToString(v.kind()) + " ";
    }
    out += "\n";
  }
  return out;
}

bool ChoosesAmongEqualValues(const std::string& sql) {
  static const std::regex kDeduplicating(
      "DISTINCT|UNION(?!\\s+ALL)|INTERSECT|EXCEPT|GROUP\\s+BY|max\\s*\\(|min\\s*\\(",
      std::regex::icase);
  return std::regex_search(sql, kDeduplicating);
}

namespace {

// A row's text with every number written the same way whatever its type (4 and 4.0 alike).
std::string CanonicalText(const std::vector<Value>& row) {
  std::string out;
  for (const Value& v : row) {
    if (v.kind() == Value::Kind::kReal && v.real() == std::trunc(v.real()) &&
        std::fabs(v.real()) < 1e15) {
      out += std::to_string(static_cast<int64_t>(v.real())) + ":number ";
    } else if (v.kind() == Value::Kind::kInteger) {
      out += std::to_string(v.integer()) + ":number ";
    } else {
      out += v.DebugString() + ":" + ToString(v.kind()) + " ";
    }
  }
  return out;
}

}  // namespace

Rows Sorted(Rows rows) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    std::string ca = CanonicalText(a), cb = CanonicalText(b);
    return ca != cb ? ca < cb : RowsText({a}) < RowsText({b});
  });
  return rows;
}

bool SameRows(const Rows& got, const Rows& expected, bool among_equal) {
  if (RowsText(got) == RowsText(expected)) return true;
  if (!among_equal || got.size() != expected.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (CanonicalText(got[i]) != CanonicalText(expected[i])) return false;
  }
  return true;
}

}  // namespace shardql::testing
