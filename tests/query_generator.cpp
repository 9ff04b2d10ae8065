#include "tests/query_generator.h"

namespace shardql::testing {
namespace {

std::string Literal(Random& rng, char kind) {
  if (rng.Chance(12)) return "NULL";
  switch (kind) {
    case 'i':
      return std::to_string(rng.Int(-3, 12));
    case 't': {
      // Digits and a '%' too: LIKE's ranges start at the characters before the first letter.
      // And a text with a NUL byte, where SQLite's LIKE and substr stop reading.
      static const std::vector<std::string> words = {
          "'a'",  "'b'",  "'B'",  "'ab'",  "'c'",  "''",   "'abc'",
          "'b '", "'1a'", "'12'", "'1%2'", "'A1'", "'a1'", "CAST(X'310032' AS TEXT)"};
      return rng.Pick(words);
    }
    case 'n': {
      // The NOCASE column: no two values equal but for case, so DISTINCT, min and ORDER BY on it
      // have one answer.
      static const std::vector<std::string> words = {"'a'",   "'Ab'", "'12'", "'1a'",
                                                     "'1%2'", "'b '", "''",   "'C'"};
      return rng.Pick(words);
    }
    default:  // REAL with an exact binary fraction, so sums do not depend on their order
      return std::to_string(rng.Int(-8, 24)) + "." +
             rng.Pick(std::vector<std::string>{"0", "5", "25", "75"});
  }
}

}  // namespace

const char* kGeneratedSchema =
    "CREATE TABLE t1 (k INTEGER, a INTEGER, b TEXT, c REAL, n TEXT COLLATE NOCASE) "
    "DISTRIBUTE BY HASH (k);"
    "CREATE TABLE t2 (k INTEGER, a INTEGER, d TEXT) DISTRIBUTE BY HASH (k);"
    "CREATE TABLE r (a INTEGER, e TEXT) DISTRIBUTE BY REFERENCE;"
    // Indexed shard keys: the general path's fetches semi-join on them.
    "CREATE INDEX t1_k ON t1 (k);"
    "CREATE INDEX t2_k ON t2 (k);"
    // Indexes the rewrite rules can make use of: a LIKE's range, an OR's arms.
    "CREATE INDEX t1_a ON t1 (a);"
    "CREATE INDEX t1_b ON t1 (b);"
    "CREATE INDEX t1_n ON t1 (n);";

std::string GeneratedDataSql(Random& rng) {
  std::string sql;
  for (int i = 0; i < 40; ++i) {
    sql += "INSERT INTO t1 VALUES (" + std::to_string(rng.Int(0, 25)) + ", " + Literal(rng, 'i') +
           ", " + Literal(rng, 't') + ", " + Literal(rng, 'r') + ", " + Literal(rng, 'n') + ");";
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

std::string QueryGenerator::Next(bool* ordered) {
  *ordered = false;
  int shape = rng_.Int(0, 10);
  if (shape <= 1) return SetOperation(ordered);
  if (shape == 10) return RuleShaped(ordered);
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

std::string QueryGenerator::From(std::vector<Column>& cols) {
  int pick = rng_.Int(0, 5);
  if (pick <= 2) {
    cols = {{"t1.k", 'i'}, {"t1.a", 'i'}, {"t1.b", 't'}, {"t1.c", 'r'}, {"t1.n", 't'}};
    return " FROM t1";
  }
  if (pick == 3) {
    cols = {{"t1.k", 'i'}, {"t1.a", 'i'}, {"t1.b", 't'}, {"t2.a", 'i'}, {"t2.d", 't'}};
    return std::string(" FROM t1 ") + (rng_.Chance(30) ? "LEFT " : "") + "JOIN t2 ON t1.k = t2.k";
  }
  if (pick == 4) {
    cols = {{"t1.k", 'i'}, {"t1.b", 't'}, {"t2.k", 'i'}, {"t2.d", 't'}};
    if (rng_.Chance(30)) {
      // Co-located twice over, one side filtered in the ON: semi-joins through two tables.
      return " FROM t1 JOIN t2 ON t1.k = t2.k JOIN t1 z ON z.k = t2.k AND z.a > 1";
    }
    return std::string(" FROM t1 ") + (rng_.Chance(30) ? "LEFT " : "") + "JOIN t2 ON t1.a = t2.a";
  }
  cols = {{"t2.k", 'i'}, {"t2.a", 'i'}, {"r.e", 't'}, {"t2.d", 't'}, {"r.a", 'i'}};
  return " FROM t2 JOIN r ON r.a = t2.a";
}

std::string QueryGenerator::Scalar(const std::vector<Column>& cols) {
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

std::string QueryGenerator::Predicate(const std::vector<Column>& cols, int depth) {
  if (depth > 0 && rng_.Chance(30)) {
    return "(" + Predicate(cols, depth - 1) + (rng_.Chance(50) ? " AND " : " OR ") +
           Predicate(cols, depth - 1) + ")";
  }
  const Column& c = rng_.Pick(cols);
  char kind = c.kind == 'r' ? 'r' : c.kind;
  switch (rng_.Int(0, 18)) {
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
    case 11:
    case 13:
    case 15:
      if (c.kind == 't') {
        static const std::vector<std::string> patterns = {"'a%'",
                                                          "'%b'",
                                                          "'_'",
                                                          "'%'",
                                                          "'1%'",
                                                          "'12'",
                                                          "'1_'",
                                                          "'A%'",
                                                          "'ab%'",
                                                          "'a1'",
                                                          "'1!%%' ESCAPE '!'",
                                                          "'B_'"};
        return c.name + (rng_.Chance(15) ? " NOT LIKE " : " LIKE ") + rng_.Pick(patterns);
      }
      return c.name + " <> " + Literal(rng_, kind);
    // An OR of the shard key and another column: SplitOrToUnion's shape.
    case 12:
    case 14:
    case 16:
      return "(" + cols[0].name + " = " + std::to_string(rng_.Int(0, 25)) + " AND " + cols[1].name +
             " > " + Literal(rng_, cols[1].kind) + " OR " + cols[0].name + " = " +
             std::to_string(rng_.Int(0, 25)) + ")";
    case 4:
      if (c.kind != 't') {
        return c.name + " > (SELECT avg(a) FROM t1)";
      }
      return c.name + " IN (SELECT d FROM t2 WHERE t2.a > " + Literal(rng_, 'i') + ")";
    case 5:
      return "EXISTS (SELECT 1 FROM t2 x WHERE x.k = " + cols[0].name + " AND x.a > 2)";
    // Correlated on the key with more than the key; grouped on the key; NOT IN with NULL keys.
    case 6:
      return "NOT EXISTS (SELECT * FROM t2 x WHERE x.k = " + cols[0].name + " AND x.a <> " +
             cols[1].name + ")";
    case 7:
      return cols[0].name + " IN (SELECT k FROM t2 GROUP BY k HAVING count(*) > 1)";
    case 8:
      return "(SELECT count(*) FROM t1 y WHERE y.k = " + cols[0].name + " AND y.a > 0) > 1";
    case 9:
      return cols[0].name + (rng_.Chance(50) ? " NOT IN" : " IN") +
             " (SELECT k FROM t2 WHERE a > " + Literal(rng_, 'i') + ")";
    // A subquery pinned to one shard, next to any table (a reference table's fetch included).
    case 10:
      return c.name + " > (SELECT min(a) FROM t1 WHERE k = " + std::to_string(rng_.Int(0, 25)) +
             ")";
    default: {
      static const std::vector<std::string> ops = {"=", "<", "<=", ">", ">=", "<>"};
      return c.name + " " + rng_.Pick(ops) + " " + Literal(rng_, kind);
    }
  }
}

std::string QueryGenerator::Aggregate(const std::string& from, const std::string& where,
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
    if (rng_.Chance(30)) {
      sql += " HAVING count(*) > " + std::to_string(rng_.Int(0, 3));
    } else if (rng_.Chance(15)) {
      // An aggregate (no affinity) against the typed group key: the merge engine must compare
      // as one database does.
      sql += " HAVING max(" + rng_.Pick(cols).name + ") > " + group.name;
    }
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

std::string QueryGenerator::SetOperation(bool* ordered) {
  static const std::vector<std::string> ops = {"UNION", "UNION ALL", "INTERSECT", "EXCEPT"};
  std::string left = "SELECT a FROM t1 WHERE k " + std::string(rng_.Chance(50) ? "<" : ">") + " " +
                     std::to_string(rng_.Int(0, 25));
  std::string right =
      "SELECT a FROM t2 WHERE d IS " + std::string(rng_.Chance(50) ? "NOT " : "") + "NULL";
  std::string sql = left + " " + rng_.Pick(ops) + " " + right;
  if (rng_.Chance(50)) {
    sql += " ORDER BY 1";
    *ordered = true;
  }
  return sql;
}

std::string QueryGenerator::RuleShaped(bool* ordered) {
  static const std::vector<std::string> patterns = {
      "'1%'", "'12'", "'1_'", "'A%'", "'ab%'", "'a1'", "'1!%%' ESCAPE '!'", "'B_'", "'%2'"};
  std::vector<Column> cols = {{"k", 'i'}, {"a", 'i'}, {"b", 't'}, {"n", 't'}};
  std::string where;
  if (rng_.Chance(25)) {
    // A join on a non-key column, one side a filtered read of t2 (analysed, so
    // MaterializeTempTable may copy it to t1's shards), NULLs and all.
    std::string sql = std::string("SELECT t1.k, t1.b, t2.k, t2.d FROM t1 ") +
                      (rng_.Chance(30) ? "LEFT " : "") + "JOIN t2 ON t1.a = t2.a WHERE t2.k < " +
                      std::to_string(rng_.Int(0, 25));
    if (rng_.Chance(40)) sql += " AND t1.b IS NOT NULL";
    if (rng_.Chance(50)) {
      sql += " ORDER BY 1, 2, 3, 4";
      *ordered = true;
    }
    return sql;
  }
  if (rng_.Chance(15)) {
    // A CTE over a distributed table used twice (MaterializeTempTable computes it once).
    std::string filter = rng_.Chance(50) ? " WHERE k < " + std::to_string(rng_.Int(0, 25)) : "";
    std::string cte =
        "WITH s AS (SELECT a, count(*) AS cnt, min(b) AS lo FROM t1" + filter + " GROUP BY a) ";
    std::string sql = rng_.Chance(50)
                          ? cte + "SELECT x.a, x.cnt, y.lo FROM s x JOIN s y ON x.a = y.a + 1"
                          : cte + "SELECT a, cnt, lo FROM s WHERE cnt >= (SELECT avg(cnt) FROM s)";
    if (rng_.Chance(50)) {
      sql += " ORDER BY 1, 2, 3";
      *ordered = true;
    }
    return sql;
  }
  static const std::vector<std::string> starts = {"'1'", "'12'", "'a'", "'A'", "'ab'", "'1a'"};
  switch (rng_.Int(0, 3)) {
    case 3:
      // A leading substring compared with a text (SubstrPrefixToRange), now and then of the
      // INTEGER column, whose numbers substr reads as text.
      where = "substr(" +
              std::string(rng_.Chance(15)   ? "a"
                          : rng_.Chance(50) ? "b"
                                            : "n") +
              ", 1, " + std::to_string(rng_.Int(1, 3)) + ") = " + rng_.Pick(starts);
      break;
    case 0:
      where = std::string(rng_.Chance(50) ? "b" : "n") + " LIKE " + rng_.Pick(patterns);
      break;
    case 1:
      where = "(k = " + std::to_string(rng_.Int(0, 25)) + " AND a > " + Literal(rng_, 'i') +
              " OR k = " + std::to_string(rng_.Int(0, 25)) + ")";
      break;
    default:
      where = "(b LIKE " + rng_.Pick(patterns) + " OR k = " + std::to_string(rng_.Int(0, 25)) + ")";
  }
  if (rng_.Chance(50)) where += " AND " + Predicate(cols, 1);
  std::string sql = "SELECT k, a, b, n FROM t1 WHERE " + where;
  if (rng_.Chance(50)) {
    sql += " ORDER BY 1, 2, 3, 4";
    *ordered = true;
    if (rng_.Chance(30)) sql += " LIMIT " + std::to_string(rng_.Int(1, 6));
  }
  return sql;
}

std::string QueryGenerator::Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + items[i];
  return out;
}

}  // namespace shardql::testing
