// Differential testing: random data, random queries, shardql over 1, 2 and 5 shards against one
// plain SQLite database holding the same rows. Any difference fails and prints the query and seed.
// SHARDQL_DIFF_SEED and SHARDQL_DIFF_QUERIES change the seed and the number of queries per layout.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "grammar/sql_error.h"
#include "tests/reference_database.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

// splitmix64: the same sequence on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int Int(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Next() % items.size()];
  }

 private:
  uint64_t state_;
};

const char* kSchema =
    "CREATE TABLE t1 (k INTEGER, a INTEGER, b TEXT, c REAL) DISTRIBUTE BY HASH (k);"
    "CREATE TABLE t2 (k INTEGER, a INTEGER, d TEXT) DISTRIBUTE BY HASH (k);"
    "CREATE TABLE r (a INTEGER, e TEXT) DISTRIBUTE BY REFERENCE;";

std::string Literal(Random& rng, char kind) {
  if (rng.Chance(12)) return "NULL";
  switch (kind) {
    case 'i':
      return std::to_string(rng.Int(-3, 12));
    case 't': {
      static const std::vector<std::string> words = {"'a'", "'b'", "'B'",   "'ab'",
                                                     "'c'", "''",  "'abc'", "'b '"};
      return rng.Pick(words);
    }
    default:  // REAL with an exact binary fraction, so sums do not depend on their order
      return std::to_string(rng.Int(-8, 24)) + "." +
             rng.Pick(std::vector<std::string>{"0", "5", "25", "75"});
  }
}

std::string DataSql(Random& rng) {
  std::string sql;
  for (int i = 0; i < 40; ++i) {
    sql += "INSERT INTO t1 VALUES (" + std::to_string(rng.Int(0, 25)) + ", " + Literal(rng, 'i') +
           ", " + Literal(rng, 't') + ", " + Literal(rng, 'r') + ");";
  }
  for (int i = 0; i < 30; ++i) {
    sql += "INSERT INTO t2 VALUES (" +
           (rng.Chance(8) ? std::string("NULL") : std::to_string(rng.Int(0, 25))) + ", " +
           Literal(rng, 'i') + ", " + Literal(rng, 't') + ");";
  }
  for (int i = 0; i < 8; ++i) {
    sql += "INSERT INTO r VALUES (" + Literal(rng, 'i') + ", " + Literal(rng, 't') + ");";
  }
  return sql;
}

struct Column {
  std::string name;
  char kind;
};

// One random SELECT over one table or a join, with its output columns.
class QueryGenerator {
 public:
  explicit QueryGenerator(Random& rng) : rng_(rng) {}

  std::string Next(bool* ordered) {
    *ordered = false;
    int shape = rng_.Int(0, 9);
    if (shape <= 1) return SetOperation(ordered);
    std::vector<Column> cols;
    std::string from = From(cols);
    std::string where = rng_.Chance(70) ? " WHERE " + Predicate(cols, 2) : "";
    if (shape <= 4) return Aggregate(from, where, cols, ordered);
    // Plain projection.
    std::vector<std::string> items;
    int n = rng_.Int(1, 3);
    for (int i = 0; i < n; ++i)
      items.push_back(Scalar(cols));
    bool distinct = rng_.Chance(20);
    std::string sql =
        std::string("SELECT ") + (distinct ? "DISTINCT " : "") + Join(items) + from + where;
    if (rng_.Chance(50)) {
      // Order by every output column, so the order is fully determined.
      std::vector<std::string> keys;
      for (size_t i = 1; i <= items.size(); ++i) {
        keys.push_back(std::to_string(i) + (rng_.Chance(50) ? " DESC" : "") +
                       (rng_.Chance(20) ? (rng_.Chance(50) ? " NULLS FIRST" : " NULLS LAST") : ""));
      }
      sql += " ORDER BY " + Join(keys);
      *ordered = true;
      if (rng_.Chance(50)) {
        sql += " LIMIT " + std::to_string(rng_.Int(0, 12));
        if (rng_.Chance(50)) sql += " OFFSET " + std::to_string(rng_.Int(0, 10));
      }
    }
    return sql;
  }

 private:
  std::string From(std::vector<Column>& cols) {
    int pick = rng_.Int(0, 5);
    if (pick <= 2) {
      cols = {{"t1.k", 'i'}, {"t1.a", 'i'}, {"t1.b", 't'}, {"t1.c", 'r'}};
      return " FROM t1";
    }
    if (pick == 3) {
      cols = {{"t1.k", 'i'}, {"t1.a", 'i'}, {"t1.b", 't'}, {"t2.a", 'i'}, {"t2.d", 't'}};
      return std::string(" FROM t1 ") + (rng_.Chance(30) ? "LEFT " : "") + "JOIN t2 ON t1.k = t2.k";
    }
    if (pick == 4) {
      cols = {{"t1.k", 'i'}, {"t1.b", 't'}, {"t2.k", 'i'}, {"t2.d", 't'}};
      return std::string(" FROM t1 ") + (rng_.Chance(30) ? "LEFT " : "") + "JOIN t2 ON t1.a = t2.a";
    }
    cols = {{"t2.k", 'i'}, {"t2.a", 'i'}, {"r.e", 't'}, {"t2.d", 't'}};
    return " FROM t2 JOIN r ON r.a = t2.a";
  }

  std::string Scalar(const std::vector<Column>& cols) {
    const Column& c = rng_.Pick(cols);
    switch (rng_.Int(0, 5)) {
      case 0:
        if (c.kind == 'i') return c.name + " + " + std::to_string(rng_.Int(1, 5));
        return c.name;
      case 1:
        if (c.kind == 't') return "upper(" + c.name + ")";
        return c.name;
      case 2:
        return "coalesce(" + c.name + ", " + Literal(rng_, c.kind == 't' ? 't' : 'i') + ")";
      default:
        return c.name;
    }
  }

  std::string Predicate(const std::vector<Column>& cols, int depth) {
    if (depth > 0 && rng_.Chance(30)) {
      return "(" + Predicate(cols, depth - 1) + (rng_.Chance(50) ? " AND " : " OR ") +
             Predicate(cols, depth - 1) + ")";
    }
    const Column& c = rng_.Pick(cols);
    char kind = c.kind == 'r' ? 'r' : c.kind;
    switch (rng_.Int(0, 7)) {
      case 0:
        return c.name + " IS " + (rng_.Chance(50) ? "NOT " : "") + "NULL";
      case 1: {
        std::vector<std::string> items;
        int n = rng_.Int(0, 4);
        for (int i = 0; i < n; ++i)
          items.push_back(Literal(rng_, kind));
        return c.name + (rng_.Chance(25) ? " NOT IN (" : " IN (") + Join(items) + ")";
      }
      case 2:
        return c.name + " BETWEEN " + Literal(rng_, kind) + " AND " + Literal(rng_, kind);
      case 3:
        if (c.kind == 't')
          return c.name + " LIKE '" + rng_.Pick(std::vector<std::string>{"a%", "%b", "_", "%"}) +
                 "'";
        return c.name + " <> " + Literal(rng_, kind);
      case 4:
        if (c.kind != 't') {
          return c.name + " > (SELECT avg(a) FROM t1)";
        }
        return c.name + " IN (SELECT d FROM t2 WHERE t2.a > " + Literal(rng_, 'i') + ")";
      case 5:
        return "EXISTS (SELECT 1 FROM t2 x WHERE x.k = " + cols[0].name + " AND x.a > 2)";
      default: {
        static const std::vector<std::string> ops = {"=", "<", "<=", ">", ">=", "<>"};
        return c.name + " " + rng_.Pick(ops) + " " + Literal(rng_, kind);
      }
    }
  }

  std::string Aggregate(const std::string& from, const std::string& where,
                        const std::vector<Column>& cols, bool* ordered) {
    const Column& group = rng_.Pick(cols);
    std::vector<std::string> aggs;
    int n = rng_.Int(1, 3);
    for (int i = 0; i < n; ++i) {
      const Column& c = rng_.Pick(cols);
      switch (rng_.Int(0, 7)) {
        case 0:
          aggs.push_back("count(*)");
          break;
        case 1:
          aggs.push_back("count(" + c.name + ")");
          break;
        case 2:
          aggs.push_back(c.kind == 't' ? "min(" + c.name + ")" : "sum(" + c.name + ")");
          break;
        case 3:
          aggs.push_back(c.kind == 't' ? "max(" + c.name + ")" : "avg(" + c.name + ")");
          break;
        case 4:
          aggs.push_back("max(" + c.name + ")");
          break;
        case 5:
          aggs.push_back("count(DISTINCT " + c.name + ")");
          break;
        case 6:
          aggs.push_back(c.kind == 't' ? "count(" + c.name + ")" : "total(" + c.name + ")");
          break;
        default:
          aggs.push_back("min(" + c.name + ")");
      }
    }
    bool grouped = rng_.Chance(75);
    std::string sql = "SELECT " + (grouped ? group.name + ", " : "") + Join(aggs) + from + where;
    if (grouped) {
      sql += " GROUP BY " + group.name;
      if (rng_.Chance(30)) sql += " HAVING count(*) > " + std::to_string(rng_.Int(0, 3));
      if (rng_.Chance(50)) {
        std::vector<std::string> keys;
        for (size_t i = 1; i <= aggs.size() + 1; ++i)
          keys.push_back(std::to_string(i));
        sql += " ORDER BY " + Join(keys);
        *ordered = true;
        if (rng_.Chance(30)) sql += " LIMIT " + std::to_string(rng_.Int(1, 5));
      }
    }
    return sql;
  }

  std::string SetOperation(bool* ordered) {
    static const std::vector<std::string> ops = {"UNION", "UNION ALL", "INTERSECT", "EXCEPT"};
    std::string left = "SELECT a FROM t1 WHERE k " + std::string(rng_.Chance(50) ? "<" : ">") +
                       " " + std::to_string(rng_.Int(0, 25));
    std::string right =
        "SELECT a FROM t2 WHERE d IS " + std::string(rng_.Chance(50) ? "NOT " : "") + "NULL";
    std::string sql = left + " " + rng_.Pick(ops) + " " + right;
    if (rng_.Chance(50)) {
      sql += " ORDER BY 1";
      *ordered = true;
    }
    return sql;
  }

  static std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i)
      out += (i ? ", " : "") + items[i];
    return out;
  }

  Random& rng_;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("differential: shardql over 1, 2 and 5 shards answers as one SQLite database") {
  uint64_t seed = EnvOr("SHARDQL_DIFF_SEED", 20261120);
  uint64_t queries = EnvOr("SHARDQL_DIFF_QUERIES", 1000);
  for (size_t shards : {1, 2, 5}) {
    Random rng(seed + shards);
    TestCluster cluster(shards);
    ReferenceDatabase reference;
    std::string data = DataSql(rng);
    Run(cluster.session(), kSchema);
    REQUIRE(reference.Exec(kSchema) == "");
    Run(cluster.session(), data);
    REQUIRE(reference.Exec(data) == "");
    QueryGenerator generator(rng);
    size_t compared = 0;
    for (uint64_t i = 0; i < queries; ++i) {
      bool ordered = false;
      std::string sql = generator.Next(&ordered);
      // About a third of the queries take the general path, so both strategies are held to the same
      // answers.
      bool general = rng.Chance(30);
      Run(cluster.session(),
          general ? "SET force_general_path = on" : "SET force_general_path = off");
      auto expected = reference.Query(sql);
      std::optional<std::vector<std::vector<Value>>> got;
      std::string error;
      try {
        got = Run(cluster.session(), sql).rows;
      } catch (const SqlError& e) {
        error = e.sqlstate() + ": " + e.message();
      }
      std::string where =
          std::string(general ? " (general path)" : "") + ":\n  " + sql + "\n  shardql: " + error;
      INFO("seed " << seed << ", " << shards << " shards, query " << i << where);
      REQUIRE(got.has_value() == expected.has_value());
      if (!got) continue;
      ++compared;
      bool among_equal = ChoosesAmongEqualValues(sql);
      // The same rows; and for an ordered query, in the same order up to ties between values
      // that compare equal (4 and 4.0), whose order SQL leaves open.
      CHECK_MESSAGE(SameRows(Sorted(*got), Sorted(*expected), among_equal),
                    "shardql:\n"
                        << RowsText(Sorted(*got)) << "SQLite:\n"
                        << RowsText(Sorted(*expected)));
      if (ordered) {
        CHECK_MESSAGE(SameRows(*got, *expected, true), "shardql:\n"
                                                           << RowsText(*got) << "SQLite:\n"
                                                           << RowsText(*expected));
      }
    }
    CHECK(compared > queries * 9 / 10);
  }
}
