// ANALYZE: the estimators' arithmetic, the statistics' bytes in the catalog file, and the whole
// statement over real SQLite shards — what it finds, that it survives a restart, that it goes
// with its table, and that the cost model then uses it.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "backends/sqlite_dialect.h"
#include "grammar/sql_error.h"
#include "planner/statistics.h"
#include "planner/statistics_builder.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

TEST_CASE("Duj1: a full sample is exact, an all-distinct sample is a unique column") {
  CHECK(EstimateDistinct(100, 100, 37, 10) == 37);
  CHECK(EstimateDistinct(1000, 1e6, 1000, 1000) == 1e6);
  // 1000 values each seen 30 times in a 30000-row sample of 400000 rows: 1000, not more.
  CHECK(EstimateDistinct(30000, 400000, 1000, 0) == 1000);
  // Half the sampled values seen once: between what was seen and the rows.
  double d = EstimateDistinct(30000, 400000, 20000, 10000);
  CHECK(d > 20000);
  CHECK(d < 400000);
  CHECK(EstimateDistinct(0, 100, 0, 0) == 0);
}

TEST_CASE("a shard's sample is its share of the target") {
  CHECK(SampleRowsFor(500, 2000) == 500);  // a small table: every row
  CHECK(SampleRowsFor(250000, 1000000) == 7500);
  CHECK(SampleRowsFor(0, 1000000) == 0);
}

TEST_CASE("statistics keep every figure through the catalog file's bytes") {
  TableStatistics s;
  s.taken_at = 1765000000;
  s.rows = 1234;
  s.sampled_rows = 1000;
  s.shard_rows = {{"s0", 600}, {"s1", 634}};
  ColumnStatistics c;
  c.null_fraction = 0.25;
  c.distinct = 17;
  c.min = Value::Integer(-3);
  c.max = Value::Text("zz");
  c.most_common = {{Value::Real(2.5), 0.125}, {Value::Blob(std::string("\0x", 2)), 0.01}};
  c.histogram = {Value::Integer(1), Value::Integer(5), Value::Date(100)};
  s.columns = {c, ColumnStatistics{}};
  s.indexes = {{"t_a", {"a", "(expression)"}, true, {"s0", "s1"}}};
  TableStatistics back = DecodeStatistics(EncodeStatistics(s));
  CHECK(back.taken_at == s.taken_at);
  CHECK(back.rows == 1234);
  CHECK(back.sampled_rows == 1000);
  CHECK(back.shard_rows == s.shard_rows);
  REQUIRE(back.columns.size() == 2);
  CHECK(back.columns[0].null_fraction == 0.25);
  CHECK(back.columns[0].min->integer() == -3);
  CHECK(back.columns[0].max->text() == "zz");
  CHECK(back.columns[0].most_common[1].first.bytes() == std::string("\0x", 2));
  CHECK(back.columns[0].histogram[2].kind() == Value::Kind::kDate);
  CHECK(!back.columns[1].min);
  CHECK(back.indexes[0].columns[1] == "(expression)");
  CHECK(back.indexes[0].unique);
  std::string bytes = EncodeStatistics(s);
  CHECK_THROWS_AS(DecodeStatistics(bytes.substr(0, bytes.size() - 3)), SqlError);
  CHECK_THROWS_AS(DecodeStatistics(""), SqlError);
}

TEST_CASE("ANALYZE gathers rows, NULLs, bounds, distinct values, common values and indexes") {
  TestCluster c(4, true);
  Session& s = c.session();
  Run(s,
      "CREATE TABLE t (id INTEGER PRIMARY KEY, grp INTEGER, note TEXT, rare INTEGER) "
      "DISTRIBUTE BY HASH (id)");
  Run(s, "CREATE INDEX t_grp ON t (grp)");
  Run(s, "CREATE TABLE ref (code TEXT, label TEXT) DISTRIBUTE BY REFERENCE");
  Run(s, "CREATE VIEW v AS SELECT id FROM t");
  // 2000 rows: grp has 10 values, 'a' is half the notes, rare is NULL but for 20 rows.
  for (int batch = 0; batch < 20; ++batch) {
    std::string values;
    for (int i = 1; i <= 100; ++i) {
      int id = batch * 100 + i;
      values += fmt::format("{}({}, {}, '{}', {})", values.empty() ? "" : ", ", id, id % 10,
                            id % 2 == 0 ? "a" : fmt::format("n{}", id),
                            id % 100 == 0 ? std::to_string(id) : "NULL");
    }
    Run(s, "INSERT INTO t VALUES " + values);
  }
  Run(s, "INSERT INTO ref VALUES ('x', 'X'), ('y', 'Y'), ('z', NULL)");
  CHECK(!c.cluster().catalog().Snapshot()->StatisticsOf("t"));

  QueryResult r = Run(s, "ANALYZE VERBOSE t, ref, v");
  CHECK(r.tags.back() == "ANALYZE");
  REQUIRE(r.notices.size() == 3);
  CHECK(r.notices[0].find("skipping \"v\"") != std::string::npos);
  CHECK(r.notices[1] == "INFO:  analyzing \"t\": 4 shards, 2000 rows, 2000 rows in sample");

  auto check = [&] {
    auto snapshot = c.cluster().catalog().Snapshot();
    auto t = snapshot->StatisticsOf("t");
    REQUIRE(t);
    CHECK(t->rows == 2000);
    CHECK(t->shard_rows.size() == 4);
    CHECK(t->taken_at > 1700000000);
    const ColumnStatistics& id = t->columns[0];
    CHECK(id.distinct == 2000);
    CHECK(id.min->integer() == 1);
    CHECK(id.max->integer() == 2000);
    const ColumnStatistics& grp = t->columns[1];
    CHECK(grp.distinct == 10);
    REQUIRE(grp.most_common.size() == 10);
    CHECK(grp.most_common[0].second == doctest::Approx(0.1));
    const ColumnStatistics& note = t->columns[2];
    REQUIRE(!note.most_common.empty());
    CHECK(note.most_common[0].first.text() == "a");
    CHECK(note.most_common[0].second == doctest::Approx(0.5));
    CHECK(note.distinct == 1001);
    CHECK(!note.histogram.empty());
    const ColumnStatistics& rare = t->columns[3];
    CHECK(rare.null_fraction == doctest::Approx(0.99));
    CHECK(rare.distinct == 20);
    REQUIRE(t->indexes.size() == 1);
    CHECK(t->indexes[0].name == "t_grp");
    CHECK(t->indexes[0].columns == std::vector<std::string>{"grp"});
    CHECK(t->indexes[0].shards.size() == 4);
    auto ref = snapshot->StatisticsOf("ref");
    REQUIRE(ref);
    CHECK(ref->rows == 3);  // every shard holds all three: not 12
    CHECK(ref->columns[1].null_fraction == doctest::Approx(1.0 / 3));
  };
  check();
  c.Restart();  // kept in the catalog file
  check();

  CHECK(SqlstateOf(c.session(), "ANALYZE nope") == "42P01");
  Run(c.session(), "BEGIN");
  CHECK(SqlstateOf(c.session(), "ANALYZE t") == "25001");
  Run(c.session(), "ROLLBACK");
  Run(c.session(), "DROP VIEW v");
  Run(c.session(), "DROP TABLE t");
  CHECK(!c.cluster().catalog().Snapshot()->StatisticsOf("t"));
  c.Restart();
  CHECK(!c.cluster().catalog().Snapshot()->StatisticsOf("t"));
  CHECK(c.cluster().catalog().Snapshot()->StatisticsOf("ref"));
}

TEST_CASE("EXPLAIN estimates rows and cost, and says when it had no statistics") {
  TestCluster c(2);
  Session& s = c.session();
  Run(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, grp INTEGER) DISTRIBUTE BY HASH (id)");
  std::string values;
  for (int i = 1; i <= 300; ++i)
    values += fmt::format("{}({}, {})", values.empty() ? "" : ", ", i, i % 3);
  Run(s, "INSERT INTO t VALUES " + values);
  auto explain = [&](const std::string& sql) {
    std::string out;
    for (const auto& row : Run(s, sql).rows)
      out += std::string(row[0].text()) + "\n";
    return out;
  };
  std::string before = explain("EXPLAIN SELECT * FROM t WHERE grp = 1");
  CHECK(before.find("Estimate: rows=10 ") != std::string::npos);  // 1000 a shard × 0.005
  CHECK(before.find("no statistics for t: default figures") != std::string::npos);
  Run(s, "ANALYZE t");
  std::string after = explain("EXPLAIN SELECT * FROM t WHERE grp = 1");
  CHECK(after.find("Estimate: rows=100 ") != std::string::npos);  // a third of 300
  CHECK(after.find("no statistics") == std::string::npos);
  std::string off = explain("EXPLAIN (COSTS OFF) SELECT * FROM t WHERE grp = 1");
  CHECK(off.find("Estimate") == std::string::npos);
  std::string verbose = explain("EXPLAIN (VERBOSE, COSTS ON) SELECT * FROM t WHERE grp = 1");
  CHECK(verbose.find("; estimate: rows=100 cost=") != std::string::npos);
  CHECK(SqlstateOf(s, "EXPLAIN (COLOUR) SELECT 1") == "42601");
}

TEST_CASE("EXPLAIN advises an index where a large table's filter or join has none") {
  TestCluster c(2);
  Session& s = c.session();
  Run(s,
      "CREATE TABLE big (id INTEGER PRIMARY KEY, grp INTEGER, zip TEXT) DISTRIBUTE BY HASH (id)");
  Run(s, "CREATE INDEX big_zip ON big (zip)");
  Run(s, "CREATE TABLE other (id INTEGER PRIMARY KEY, grp INTEGER) DISTRIBUTE BY HASH (id)");
  auto explain = [&](const std::string& sql) {
    std::string out;
    for (const auto& row : Run(s, "EXPLAIN " + sql).rows)
      out += std::string(row[0].text()) + "\n";
    return out;
  };
  // Small by the defaults (2 shards × 1000 rows): no advice.
  CHECK(explain("SELECT * FROM big WHERE grp = 3").find("Index advice") == std::string::npos);
  // Large by its statistics.
  auto figures = std::make_shared<TableStatistics>();
  figures->rows = 50000;
  figures->columns.resize(3);
  for (ColumnStatistics& column : figures->columns)
    column.distinct = 500;
  c.cluster().catalog().SetStatistics("big", figures);
  std::string unindexed = explain("SELECT * FROM big WHERE grp = 3");
  CHECK(unindexed.find("no index on any shard serves the filter big.grp = $1 on big (50000 "
                       "rows): CREATE INDEX big_grp_idx ON big (grp)") != std::string::npos);
  CHECK(explain("SELECT * FROM big WHERE zip = '98101'").find("Index advice") == std::string::npos);
  CHECK(explain("SELECT * FROM big WHERE substr(zip, 1, 2) = '98'")
            .find("wraps the indexed column big.zip in an expression") != std::string::npos);
  CHECK(explain("SELECT * FROM big WHERE id + 1 = 5").find("move the arithmetic") !=
        std::string::npos);
  CHECK(explain("SELECT * FROM other o JOIN big b ON b.grp = o.grp").find("serves the join") !=
        std::string::npos);
}
