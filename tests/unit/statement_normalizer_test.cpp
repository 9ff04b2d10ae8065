// What the plan cache's normaliser replaces, and — as important — what it must leave alone; and
// the cache's memory budget.

#include <doctest/doctest.h>

#include "backends/sqlite_dialect.h"
#include "planner/plan_cache.h"
#include "planner/statement_normalizer.h"

using namespace shardql;

namespace {
std::string Normalized(const std::string& sql) {
  auto n = NormalizeLiterals(sql);
  return n ? n->text : "(unchanged)";
}
}  // namespace

TEST_CASE("values after comparisons and in VALUES rows become parameters") {
  auto n = NormalizeLiterals("SELECT * FROM t WHERE k = 1008 AND name <> 'it''s'");
  REQUIRE(n);
  CHECK(n->text == "SELECT * FROM t WHERE k = $1 AND name <> $2");
  REQUIRE(n->literals.size() == 2);
  CHECK(n->literals[0] == Value::Integer(1008));
  CHECK(n->literals[1] == Value::Text("it's"));
  CHECK(Normalized("INSERT INTO t (a, b) VALUES (1, 'a'), (2, 'b')") ==
        "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
  CHECK(Normalized("UPDATE t SET v = 5 WHERE k = 7") == "UPDATE t SET v = $1 WHERE k = $2");
  CHECK(Normalized("DELETE FROM t WHERE k >= 10") == "DELETE FROM t WHERE k >= $1");
}

TEST_CASE("equal literals share a parameter, so repeated expressions still match") {
  auto n =
      NormalizeLiterals("SELECT a = 1, count(*) FROM t WHERE b = 1 GROUP BY a = 1 ORDER BY a = 1");
  REQUIRE(n);
  CHECK(n->text == "SELECT a = $1, count(*) FROM t WHERE b = $1 GROUP BY a = $1 ORDER BY a = $1");
  CHECK(n->literals.size() == 1);
  // The same digits as a string are a different value.
  CHECK(Normalized("SELECT 1 FROM t WHERE a = 1 AND b = '1'") ==
        "SELECT 1 FROM t WHERE a = $1 AND b = $2");
}

TEST_CASE("structure stays literal: positions, counts, patterns, REALs, prefixed strings") {
  CHECK(Normalized("SELECT a, b FROM t ORDER BY 2, 1 LIMIT 10 OFFSET 5") == "(unchanged)");
  CHECK(Normalized("SELECT a, count(*) FROM t GROUP BY 1") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE name LIKE 'ab%'") == "(unchanged)");
  // A text compared with a substr call keeps its value for SubstrPrefixToRange; other calls and
  // numbers do not.
  CHECK(Normalized("SELECT * FROM t WHERE substr(zip, 1, 2) = '98'") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE SUBSTRING(zip FROM 1 FOR (2)) = '98'") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE lower(b) = 'x' AND (a + 1) = 5") ==
        "SELECT * FROM t WHERE lower(b) = $1 AND (a + 1) = $2");
  CHECK(Normalized("SELECT * FROM t WHERE x = 1.5 OR y = 1e3 OR z = .5") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE x = E'a\\n' OR y = X'00' OR z = $$q$$") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE k = 99999999999999999999") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE k BETWEEN 1 AND 5") == "(unchanged)");
  CHECK(Normalized("SELECT CASE a WHEN 1 THEN 'x' END FROM t") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE k = -5") == "(unchanged)");  // the sign is structure
  CHECK(Normalized("SELECT * FROM t WHERE k = 0x1F") == "(unchanged)");
}

TEST_CASE("lists that are queries, and calls inside lists, are left alone") {
  CHECK(Normalized("SELECT * FROM t WHERE k IN (SELECT a FROM u GROUP BY 1, 2)") == "(unchanged)");
  // An IN list keeps its values: the plan splits it so each shard gets only its own.
  CHECK(Normalized("SELECT a FROM t WHERE k IN (1, 2, 'x') OR j NOT IN (3)") == "(unchanged)");
  CHECK(Normalized("SELECT a FROM t WHERE k IN (1, 2) AND j = 3") ==
        "SELECT a FROM t WHERE k IN (1, 2) AND j = $1");
  CHECK(Normalized("SELECT * FROM t WHERE k IN ((SELECT 1), 2)") == "(unchanged)");
  CHECK(Normalized("INSERT INTO t VALUES (lower('A'), 2)") ==
        "INSERT INTO t VALUES (lower('A'), $1)");
  CHECK(Normalized("SELECT * FROM (VALUES (1, 2)) AS v WHERE column1 = 3") ==
        "SELECT * FROM (VALUES ($1, $2)) AS v WHERE column1 = $3");
  CHECK(Normalized("SELECT substr(name, 1, 2) FROM t") == "(unchanged)");
}

TEST_CASE("statements the cache does not hold are not normalised") {
  CHECK(Normalized("SELECT * FROM t WHERE k = $1 AND j = 5") == "(unchanged)");  // own parameters
  CHECK(Normalized("SELECT * FROM t WHERE k = ? AND j = 5") == "(unchanged)");
  CHECK(Normalized("SELECT 1 WHERE 1 = 1; SELECT 2 WHERE 2 = 2") == "(unchanged)");
  CHECK(Normalized("EXPLAIN SELECT * FROM t WHERE k = 5") == "(unchanged)");
  CHECK(Normalized("CREATE TABLE t (a INTEGER DEFAULT 5)") == "(unchanged)");
  CHECK(Normalized("SELECT 'unterminated FROM t WHERE k = 5") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t /* unterminated WHERE k = 5") == "(unchanged)");
  CHECK(Normalized("SELECT * FROM t WHERE k = 5;") == "SELECT * FROM t WHERE k = $1;");
  // Comments and quoted names are passed over, not mistaken for literals.
  CHECK(Normalized("SELECT \"a = 1\" FROM t -- k = 5\nWHERE /* j = 6 */ k = 7") ==
        "SELECT \"a = 1\" FROM t -- k = 5\nWHERE /* j = 6 */ k = $1");
}

TEST_CASE("a VALUES row's literals never share a parameter: the shape is the row count's only") {
  CHECK(Normalized("INSERT INTO t VALUES (1, 1, 'a'), (1, 'a', 'a')") ==
        "INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)");
}

TEST_CASE("a decimal in a VALUES row becomes a parameter holding what the dialect reads it as") {
  SqliteDialect dialect;
  auto n = NormalizeLiterals("INSERT INTO t VALUES (1, 12.50, .5, 1e3) ", &dialect);
  REQUIRE(n);
  CHECK(n->text == "INSERT INTO t VALUES ($1, $2, $3, $4) ");
  REQUIRE(n->literals.size() == 4);
  CHECK(n->literals[1] == Value::Real(12.5));
  CHECK(n->literals[2] == Value::Real(0.5));
  CHECK(n->literals[3] == Value::Real(1000.0));
  // Without the dialect's reading, and outside VALUES rows, the digits go as written.
  CHECK(Normalized("INSERT INTO t VALUES (1, 12.50)") == "INSERT INTO t VALUES ($1, 12.50)");
  auto compared = NormalizeLiterals("SELECT * FROM t WHERE x = 1.5 AND k = 2", &dialect);
  REQUIRE(compared);
  CHECK(compared->text == "SELECT * FROM t WHERE x = 1.5 AND k = $1");
}

TEST_CASE("the plan cache keeps its plans within its memory budget, largest statements first out") {
  PlanCache cache(1024, 1 << 20);
  auto plan = std::make_shared<PlannedStatement>();
  std::string big(6000, 'x');  // weighs about 390 KB
  for (int i = 0; i < 20; ++i)
    cache.Insert(big + std::to_string(i), plan);
  CHECK(cache.size() <= 2);
  for (int i = 0; i < 50; ++i)
    cache.Insert("SELECT " + std::to_string(i), plan);
  CHECK(cache.size() > 40);  // small plans fit by the dozen
}
