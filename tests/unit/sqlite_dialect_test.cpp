// The SQLite dialect must agree with SQLite itself: its ordering, affinity, GROUP BY equality and
// SUM/AVG combination are checked against a real SQLite database, value by value.

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <vector>

#include "backends/sqlite_dialect.h"
#include "grammar/sql_error.h"

using namespace shardql;

namespace {

// A real SQLite database to ask.
class Sqlite {
 public:
  Sqlite() { sqlite3_open(":memory:", &db_); }
  ~Sqlite() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    REQUIRE(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  std::vector<std::string> Column(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      // The type first: sqlite3_column_text converts the value it reads.
      int type = sqlite3_column_type(stmt, 0);
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      out.push_back(t ? std::string(reinterpret_cast<const char*>(t)) + ":" + std::to_string(type)
                      : "NULL");
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Values of every storage class, with near-ties between classes.
std::vector<std::pair<std::string, Value>> Samples() {
  return {{"NULL", Value::Null()},
          {"1", Value::Integer(1)},
          {"1.0", Value::Real(1.0)},
          {"0.5", Value::Real(0.5)},
          {"-3", Value::Integer(-3)},
          {"9223372036854775807", Value::Integer(9223372036854775807LL)},
          {"9.3e18", Value::Real(9.3e18)},
          {"'1'", Value::Text("1")},
          {"'abc'", Value::Text("abc")},
          {"'ABC'", Value::Text("ABC")},
          {"'abc  '", Value::Text("abc  ")},
          {"''", Value::Text("")},
          {"x'00'", Value::Blob(std::string(1, '\0'))},
          {"x'6162'", Value::Blob("ab")}};
}

}  // namespace

TEST_CASE("Compare orders values as SQLite's ORDER BY does, for each collation") {
  SqliteDialect dialect;
  auto samples = Samples();
  for (const char* collation_name : {"BINARY", "NOCASE", "RTRIM"}) {
    Collation collation = *dialect.FindCollation(collation_name);
    Sqlite db;
    db.Exec(std::string("CREATE TABLE t(i INTEGER, v COLLATE ") + collation_name + ")");
    for (size_t i = 0; i < samples.size(); ++i) {
      db.Exec("INSERT INTO t VALUES (" + std::to_string(i) + ", " + samples[i].first + ")");
    }
    // SQLite's order, ties broken by insertion index.
    std::vector<std::string> expected = db.Column("SELECT i FROM t ORDER BY v, i");
    std::vector<size_t> order(samples.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return dialect.Compare(samples[a].second, samples[b].second, collation) < 0;
    });
    std::vector<std::string> got;
    for (size_t i : order)
      got.push_back(std::to_string(i) + ":1");
    INFO("collation " << collation_name);
    CHECK(got == expected);
  }
}

TEST_CASE("StoredValue stores values as a SQLite column of that declared type does") {
  SqliteDialect dialect;
  // Every affinity, and names whose affinity is a trap: "FLOATING POINT" and "INTERVAL" are
  // INTEGER, "BYTEA", "STRING" and "JSON" NUMERIC, "CHARINT" INTEGER.
  const char* const columns[] = {"INTEGER",
                                 "NUMERIC",
                                 "REAL",
                                 "TEXT",
                                 "BLOB",
                                 "",
                                 "INT",
                                 "BIGINT",
                                 "VARCHAR(10)",
                                 "CHARACTER(3)",
                                 "DOUBLE PRECISION",
                                 "FLOAT",
                                 "DATE",
                                 "BOOLEAN",
                                 "DECIMAL(10,2)",
                                 "TIMESTAMP WITH TIME ZONE",
                                 "UUID",
                                 "JSON",
                                 "FLOATING POINT",
                                 "INTERVAL",
                                 "BYTEA",
                                 "STRING",
                                 "CHARINT",
                                 "CLOB"};
  std::vector<std::pair<std::string, Value>> inputs = {
      {"'5'", Value::Text("5")},
      {"' 5 '", Value::Text(" 5 ")},
      {"'5.0'", Value::Text("5.0")},
      {"'5.5'", Value::Text("5.5")},
      {"'1e3'", Value::Text("1e3")},
      {"'0x10'", Value::Text("0x10")},
      {"'abc'", Value::Text("abc")},
      {"5", Value::Integer(5)},
      {"5.0", Value::Real(5.0)},
      {"5.25", Value::Real(5.25)},
      {"1e20", Value::Real(1e20)},
      {"'99999999999999999999'", Value::Text("99999999999999999999")},
      // The canonical integer texts StoredValue converts without SQLite, and their near misses.
      {"'0'", Value::Text("0")},
      {"'-0'", Value::Text("-0")},
      {"'-42'", Value::Text("-42")},
      {"'007'", Value::Text("007")},
      {"'+7'", Value::Text("+7")},
      {"'-'", Value::Text("-")},
      {"''", Value::Text("")},
      {"'123456789012345678'", Value::Text("123456789012345678")},
      {"'-999999999999999999'", Value::Text("-999999999999999999")},
      {"'9223372036854775807'", Value::Text("9223372036854775807")},
      {"'12a'", Value::Text("12a")},
      {"x'35'", Value::Blob("5")},
      {"NULL", Value::Null()}};
  for (const char* type : columns) {
    const std::string column_type = type;
    SqlType declared = dialect.ResolveType(type);
    CHECK(SqliteAffinity(declared) == AffinityOfDeclaredType(type));
    Sqlite db;
    db.Exec(std::string("CREATE TABLE t(v ") + type + ")");
    for (const auto& [literal, value] : inputs) {
      const std::string input_literal = literal;
      db.Exec("DELETE FROM t");
      db.Exec("INSERT INTO t VALUES (" + literal + ")");
      std::vector<std::string> stored = db.Column("SELECT v FROM t");
      Value mine = dialect.StoredValue(value, declared);
      std::string got =
          mine.is_null() ? "NULL"
                         : dialect.FormatValue(mine) + ":" +
                               std::to_string(mine.kind() == Value::Kind::kInteger ? SQLITE_INTEGER
                                              : mine.kind() == Value::Kind::kReal  ? SQLITE_FLOAT
                                              : mine.kind() == Value::Kind::kText  ? SQLITE_TEXT
                                                                                   : SQLITE_BLOB);
      INFO(column_type << " column given " << input_literal);
      // Blobs print as \x.. in the shell; compare their class only.
      if (mine.kind() == Value::Kind::kBlob) {
        CHECK(stored[0].substr(stored[0].size() - 1) == "4");
      } else {
        CHECK(got == stored[0]);
      }
    }
  }
}

TEST_CASE("group keys are equal exactly when SQLite's GROUP BY groups the values together") {
  SqliteDialect dialect;
  auto samples = Samples();
  for (const char* collation_name : {"BINARY", "NOCASE", "RTRIM"}) {
    Collation collation = *dialect.FindCollation(collation_name);
    Sqlite db;
    db.Exec(std::string("CREATE TABLE t(i INTEGER, v COLLATE ") + collation_name + ")");
    for (size_t i = 0; i < samples.size(); ++i) {
      db.Exec("INSERT INTO t VALUES (" + std::to_string(i) + ", " + samples[i].first + ")");
    }
    for (size_t a = 0; a < samples.size(); ++a) {
      for (size_t b = 0; b < samples.size(); ++b) {
        std::string ka, kb;
        dialect.AppendGroupKey(samples[a].second, collation, ka);
        dialect.AppendGroupKey(samples[b].second, collation, kb);
        std::vector<std::string> together =
            db.Column("SELECT count(DISTINCT v) + count(*) - count(v) FROM t WHERE i IN (" +
                      std::to_string(a) + ", " + std::to_string(b) + ")");
        // One group when SQLite counts one distinct value (NULLs count through count(*)-count(v)).
        bool sqlite_same = a == b || together[0] == "1:1";
        INFO(samples[a].first << " vs " << samples[b].first << " " << collation_name);
        CHECK((ka == kb) == sqlite_same);
      }
    }
  }
}

TEST_CASE("SUM and AVG combine partial results as SQLite's own sum and avg") {
  SqliteDialect dialect;
  CHECK(dialect.CombineSum(Value::Integer(2), Value::Integer(3)) == Value::Integer(5));
  CHECK(dialect.CombineSum(Value::Null(), Value::Integer(3)) == Value::Integer(3));
  CHECK(dialect.CombineSum(Value::Null(), Value::Null()).is_null());
  CHECK(dialect.CombineSum(Value::Integer(2), Value::Real(0.5)) == Value::Real(2.5));
  CHECK_THROWS_AS(dialect.CombineSum(Value::Integer(9223372036854775807LL), Value::Integer(1)),
                  SqlError);
  CHECK(dialect.FinishAvg(Value::Real(7.0), Value::Integer(2)) == Value::Real(3.5));
  CHECK(dialect.FinishAvg(Value::Real(0.0), Value::Integer(0)).is_null());
}

TEST_CASE("REAL values print as SQLite prints them") {
  CHECK(SqliteRealText(1.0) == "1.0");
  CHECK(SqliteRealText(0.1) == "0.1");
  CHECK(SqliteRealText(1e20) == "1.0e+20");
  CHECK(SqliteRealText(-2.5) == "-2.5");
}

TEST_CASE("a LIKE's literal start bounds a TEXT column as SQLite's LIKE and collations agree") {
  SqliteDialect dialect;
  auto bounds = [&](const char* type, std::optional<Collation> collation, const char* start,
                    bool whole = false) {
    ExprType column =
        DeclaredColumnType(dialect.ResolveType(type), collation.value_or(Collation()));
    return dialect.LikePrefixBounds(column, ast::LikeKind::kLike, start, whole);
  };
  // BINARY: up to the first letter (LIKE matches either case, bytes do not).
  auto b = bounds("TEXT", std::nullopt, "98");
  REQUIRE(b);
  CHECK(b->low.text() == "98");
  CHECK(b->high.text() == "99");
  CHECK(!b->exact);
  CHECK(bounds("TEXT", std::nullopt, "9a")->high.text() == ":");
  CHECK(!bounds("TEXT", std::nullopt, "ab"));
  // Never an equality: a text with a NUL byte after '98101' matches LIKE '98101' too.
  CHECK(!bounds("TEXT", std::nullopt, "98101", true)->exact);
  CHECK(bounds("TEXT", std::nullopt, "98101", true)->high.text() == "98102");
  // NOCASE: the lowercased start; a successor in 'A'..'Z' would fold back below it.
  auto n = bounds("TEXT", SqliteNoCase(), "Sea");
  REQUIRE(n);
  CHECK(n->low.text() == "sea");
  CHECK(n->high.text() == "seb");
  CHECK(bounds("TEXT", SqliteNoCase(), "ab@")->high.text() == "ab[");
  // Not ASCII, 0x7f, other collations and affinities: no range.
  CHECK(bounds("TEXT", std::nullopt, "9\x7f")->low.text() == "9");
  CHECK(bounds("TEXT", std::nullopt, "9\xc3\xa9")->low.text() == "9");
  CHECK(!bounds("TEXT", SqliteRtrim(), "98"));
  CHECK(!bounds("INTEGER", std::nullopt, "98"));
  CHECK(!bounds("BLOB", std::nullopt, "98"));
}

TEST_CASE("substr(column, 1, n) = 'start' bounds a TEXT column by bytes, letters kept") {
  SqliteDialect dialect;
  auto bounds = [&](const char* type, std::optional<Collation> collation, const char* start) {
    ExprType column =
        DeclaredColumnType(dialect.ResolveType(type), collation.value_or(Collation()));
    return dialect.SubstrPrefixBounds(column, start);
  };
  // BINARY: substr compares bytes, so letters bound too (unlike LIKE).
  auto b = bounds("TEXT", std::nullopt, "ab");
  REQUIRE(b);
  CHECK(b->low.text() == "ab");
  CHECK(b->high.text() == "ac");
  CHECK(!b->exact);
  // NOCASE: the column's order folds case, so the folded start bounds both cases.
  CHECK(bounds("TEXT", SqliteNoCase(), "SEA")->low.text() == "sea");
  // Numbers read as text, other collations, a non-ASCII start: no range.
  CHECK(!bounds("INTEGER", std::nullopt, "12"));
  CHECK(!bounds("REAL", std::nullopt, "12"));
  CHECK(!bounds("TEXT", SqliteRtrim(), "ab"));
  CHECK(!bounds("TEXT", std::nullopt, "\xc3\xa9"));
}
