// Sessions over real SQLite shards: what users rely on beyond single query results — persistence,
// plan-cache invalidation, transactions, atomic multi-shard writes, failing shards, parameters,
// spilling, settings, and where rows physically are.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <string>

#include "executor/settings.h"
#include "grammar/sql_error.h"
#include "planner/hash_ring.h"
#include "planner/shard_pruning.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

std::string Rows(TestCluster& c, const std::string& sql, const std::vector<Value>& params = {}) {
  return FormatRows(Run(c.session(), sql, params), c.cluster().dialect());
}

// Rows of a table in one shard's file, read with SQLite directly.
int64_t CountInShardFile(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &stmt, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

}  // namespace

TEST_CASE("a restarted router sees the same tables, indexes, views and rows") {
  TestCluster c(3, /*persistent_catalog=*/true);
  Run(c.session(),
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k);"
      "CREATE INDEX t_v ON t (v);"
      "CREATE TABLE r (a TEXT) DISTRIBUTE BY REFERENCE;"
      "CREATE VIEW big AS SELECT k FROM t WHERE k > 2;"
      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');"
      "INSERT INTO r VALUES ('x');");
  c.Restart();
  auto snapshot = c.cluster().catalog().Snapshot();
  REQUIRE(snapshot->FindTable("t"));
  CHECK(snapshot->FindTable("t")->distribution == DistributionKind::kHash);
  CHECK(snapshot->FindTable("r")->distribution == DistributionKind::kReference);
  CHECK(snapshot->FindIndex("t_v"));
  CHECK(snapshot->FindView("big"));
  CHECK(Rows(c, "SELECT k FROM big ORDER BY k") == "3\n4\n");
  CHECK(Rows(c, "SELECT count(*) FROM t") == "4\n");
  // New rows after the restart keep the cluster-wide insertion order.
  Run(c.session(), "INSERT INTO t VALUES (10, 'e')");
  CHECK(Rows(c, "SELECT group_concat(v, '') FROM (SELECT v FROM t) AS x") == "abcde\n");
}

TEST_CASE("rows live on the shard the ring assigns, reference rows on every shard") {
  TestCluster c(4);
  Run(c.session(),
      "CREATE TABLE t (k TEXT, v INTEGER) DISTRIBUTE BY HASH (k);"
      "CREATE TABLE r (a INTEGER) DISTRIBUTE BY REFERENCE;");
  std::string values;
  for (int i = 0; i < 200; ++i)
    values += (i ? ", " : "") + std::string("('key") + std::to_string(i) + "', " +
              std::to_string(i) + ")";
  Run(c.session(), "INSERT INTO t VALUES " + values);
  Run(c.session(), "INSERT INTO r VALUES (1), (2), (3)");
  auto table = c.cluster().catalog().Snapshot()->FindTable("t");
  std::vector<int64_t> expected(4, 0);
  for (int i = 0; i < 200; ++i) {
    uint32_t shard =
        ShardIndexOfKey(Value::Text("key" + std::to_string(i)), *table, c.cluster().dialect());
    ++expected[c.cluster().ShardIndex(table->shards()[shard])];
  }
  int64_t total = 0;
  for (size_t s = 0; s < 4; ++s) {
    int64_t n = CountInShardFile(c.spec().shards[s].location, "t");
    CHECK(n == expected[s]);
    CHECK(n > 0);  // 200 keys reach every shard
    total += n;
    CHECK(CountInShardFile(c.spec().shards[s].location, "r") == 3);
  }
  CHECK(total == 200);
}

TEST_CASE("a cached plan is replanned after the catalog changes") {
  TestCluster c(2);
  Run(c.session(),
      "CREATE TABLE t (a INTEGER, b TEXT) DISTRIBUTE BY HASH (a);"
      "INSERT INTO t VALUES (1, 'x')");
  CHECK(Rows(c, "SELECT * FROM t") == "1 | x\n");
  CHECK(Rows(c, "SELECT * FROM t") == "1 | x\n");  // now from the plan cache
  Run(c.session(),
      "DROP TABLE t; CREATE TABLE t (a INTEGER, b TEXT, c REAL) DISTRIBUTE BY REFERENCE;"
      "INSERT INTO t VALUES (2, 'y', 0.5)");
  CHECK(Rows(c, "SELECT * FROM t") == "2 | y | 0.5\n");
  // A temporary view shadows the table for this session only, cached plan or not.
  Run(c.session(), "CREATE TEMP VIEW t AS SELECT 42 AS a");
  CHECK(Rows(c, "SELECT * FROM t") == "42\n");
  Session other(c.cluster());
  CHECK(FormatRows(Run(other, "SELECT * FROM t"), c.cluster().dialect()) == "2 | y | 0.5\n");
}

TEST_CASE("now() is one value per transaction on every shard, and its plan is never cached") {
  TestCluster c(3);
  Run(c.session(),
      "CREATE TABLE t (k INTEGER, at TIMESTAMPTZ) DISTRIBUTE BY HASH (k);"
      "INSERT INTO t VALUES (1, now()), (2, now()), (3, now()), (4, now()), (5, now())");
  // Five rows on three shards, one value: the router fixed it when it planned the statement.
  CHECK(Rows(c, "SELECT count(DISTINCT at), count(*) FROM t") == "1 | 5\n");
  size_t cached = c.cluster().plan_cache().size();
  std::string first = Rows(c, "SELECT now()");
  std::string second = Rows(c, "SELECT now()");
  CHECK(first != second);  // each statement its own transaction: a later clock
  CHECK(c.cluster().plan_cache().size() == cached);

  Run(c.session(),
      "CREATE TABLE d (k INTEGER, at TIMESTAMPTZ DEFAULT current_timestamp, "
      "day DATE DEFAULT CURRENT_TIMESTAMP) DISTRIBUTE BY HASH (k)");
  Run(c.session(), "BEGIN");
  std::string in_transaction = Rows(c, "SELECT now()");
  Run(c.session(), "INSERT INTO t VALUES (6, now())");
  CHECK(Rows(c, "SELECT now()") == in_transaction);
  CHECK(Rows(c, "SELECT count(*) FROM t WHERE at = now()") == "1\n");
  CHECK(Rows(c, "SELECT statement_timestamp() > now()") == "1\n");
  // A DEFAULT of current_timestamp is the same clock, in PostgreSQL's text (not SQLite's own
  // CURRENT_TIMESTAMP, which has no zone and no fraction), and a date column's is its date.
  Run(c.session(),
      "INSERT INTO d (k) VALUES (1), (2), (3), (4);"
      "INSERT INTO d (k) SELECT k + 10 FROM d");
  CHECK(Rows(c, "SELECT count(*) FROM d WHERE at = now() AND day = current_date") == "8\n");
  Run(c.session(), "COMMIT");
  CHECK(Rows(c, "SELECT now()") != in_transaction);

  // Through a view too: its now() is the statement's, never a cached plan's.
  Run(c.session(), "CREATE VIEW clock AS SELECT now() AS at");
  std::string through_view = Rows(c, "SELECT at FROM clock");
  CHECK(Rows(c, "SELECT at FROM clock") != through_view);
  // A default shardql does not compute (time with time zone) is still the shard's own.
  Run(c.session(),
      "CREATE TABLE e (k INTEGER, t TIME DEFAULT CURRENT_TIME) DISTRIBUTE BY HASH (k);"
      "INSERT INTO e (k) VALUES (1)");
  CHECK(Rows(c, "SELECT count(t) FROM e") == "1\n");
}

TEST_CASE("BEGIN ... COMMIT and ROLLBACK span shards") {
  TestCluster c(3);
  Run(c.session(), "CREATE TABLE t (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k)");
  Session other(c.cluster());
  Run(c.session(), "BEGIN");
  CHECK(c.session().in_transaction());
  Run(c.session(), "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')");
  CHECK(Rows(c, "SELECT count(*) FROM t") == "5\n");  // the transaction sees its own rows
  CHECK(FormatRows(Run(other, "SELECT count(*) FROM t"), c.cluster().dialect()) == "0\n");
  Run(c.session(), "ROLLBACK");
  CHECK(Rows(c, "SELECT count(*) FROM t") == "0\n");

  Run(c.session(), "BEGIN; INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'); COMMIT");
  CHECK(!c.session().in_transaction());
  CHECK(FormatRows(Run(other, "SELECT count(*) FROM t"), c.cluster().dialect()) == "3\n");
}

TEST_CASE("an error inside a transaction aborts it until ROLLBACK, as in PostgreSQL") {
  TestCluster c(2);
  Run(c.session(), "CREATE TABLE t (k INTEGER PRIMARY KEY) DISTRIBUTE BY HASH (k)");
  Run(c.session(), "BEGIN; INSERT INTO t VALUES (1), (2)");
  CHECK(SqlstateOf(c.session(), "SELECT nope FROM t") == "42703");
  CHECK(c.session().transaction_failed());
  CHECK(SqlstateOf(c.session(), "SELECT 1") == "25P02");
  QueryResult commit = Run(c.session(), "COMMIT");
  CHECK(commit.tags ==
        std::vector<std::string>{"ROLLBACK"});  // COMMIT of a failed block rolls back
  CHECK(Rows(c, "SELECT count(*) FROM t") == "0\n");
  CHECK(SqlstateOf(c.session(), "BEGIN; CREATE TABLE u (a INTEGER)") == "25001");
  Run(c.session(), "ROLLBACK");
}

TEST_CASE("a statement that writes several shards applies on all or none") {
  TestCluster c(4);
  Run(c.session(),
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k);"
      "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  // Key 2 exists; the other rows go to other shards and must not stay behind.
  CHECK(SqlstateOf(c.session(),
                   "INSERT INTO t VALUES (10, 'x'), (11, 'y'), (12, 'z'), (2, 'dup')") == "23505");
  CHECK(Rows(c, "SELECT k FROM t ORDER BY k") == "1\n2\n");
  // A shard-key update that collides is undone everywhere, moved rows included.
  Run(c.session(), "INSERT INTO t VALUES (20, 'p'), (21, 'q')");
  CHECK(SqlstateOf(c.session(), "UPDATE t SET k = 1 WHERE k IN (20, 21)") == "23505");
  CHECK(Rows(c, "SELECT k FROM t ORDER BY k") == "1\n2\n20\n21\n");
  // A left-out INTEGER PRIMARY KEY is numbered as one database numbers it: the largest + 1.
  Run(c.session(), "INSERT INTO t (v) VALUES ('no key')");
  CHECK(Rows(c, "SELECT k FROM t WHERE v = 'no key'") == "22\n");
}

TEST_CASE("a failing shard fails the statement with its name, and the router keeps serving") {
  TestCluster c(3);
  c.SkipCheckAtEnd();  // a shard's table is dropped behind the router's back
  Run(c.session(),
      "CREATE TABLE t (k INTEGER, v INTEGER) DISTRIBUTE BY HASH (k);"
      "CREATE TABLE u (k INTEGER) DISTRIBUTE BY HASH (k);"
      "INSERT INTO t VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6)");
  // Break one shard behind the router's back.
  sqlite3* db = nullptr;
  sqlite3_open(c.spec().shards[1].location.c_str(), &db);
  REQUIRE(sqlite3_exec(db, "DROP TABLE t", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  try {
    Run(c.session(), "SELECT sum(v) FROM t");
    FAIL("the query should fail");
  } catch (const SqlError& e) {
    CHECK(e.shard == "s1");
    CHECK(e.sqlstate() == "42P01");
    CHECK(std::string(e.message()).find("no such table") != std::string::npos);
  }
  // Other tables, and other sessions, still work.
  CHECK(Rows(c, "SELECT count(*) FROM u") == "0\n");
  Session other(c.cluster());
  CHECK(FormatRows(Run(other, "SELECT 1"), c.cluster().dialect()) == "1\n");
}

TEST_CASE("parameters route, filter, limit and insert") {
  TestCluster c(3);
  Run(c.session(), "CREATE TABLE t (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k)");
  for (int i = 1; i <= 10; ++i) {
    Run(c.session(), "INSERT INTO t VALUES ($1, $2)",
        {Value::Integer(i), Value::Text("v" + std::to_string(i))});
  }
  CHECK(Rows(c, "SELECT v FROM t WHERE k = $1", {Value::Integer(7)}) == "v7\n");
  CHECK(Rows(c, "SELECT v FROM t WHERE k = $1", {Value::Integer(8)}) == "v8\n");  // cached plan
  CHECK(Rows(c, "SELECT v FROM t WHERE k = $1", {Value::Text("9")}) == "v9\n");   // affinity
  CHECK(Rows(c, "SELECT k FROM t ORDER BY k LIMIT $1 OFFSET $2",
             {Value::Integer(2), Value::Integer(3)}) == "4\n5\n");
  // A literal LIMIT with a parameter OFFSET: shards must not stop at the LIMIT alone.
  CHECK(Rows(c, "SELECT k FROM t ORDER BY k LIMIT 2 OFFSET $1", {Value::Integer(5)}) == "6\n7\n");
  CHECK(Rows(c, "SELECT k FROM t ORDER BY k LIMIT 1 OFFSET 9223372036854775807") == "");
  CHECK(SqlstateOf(c.session(), "SELECT v FROM t WHERE k = $2") == "42P02");
}

TEST_CASE("the merge engine spills beyond its memory limit and answers the same") {
  TestCluster c(2);
  Run(c.session(),
      "CREATE TABLE a (k INTEGER, pad TEXT) DISTRIBUTE BY HASH (k);"
      "CREATE TABLE b (k INTEGER, x INTEGER) DISTRIBUTE BY HASH (x)");
  std::string rows, keys;
  for (int i = 0; i < 3000; ++i) {
    rows += (i ? ", " : "") + std::string("(") + std::to_string(i) + ", printf('%0500d', " +
            std::to_string(i) + "))";
    keys += (i ? ", " : "") + std::string("(") + std::to_string(i) + ", " + std::to_string(i % 97) +
            ")";
  }
  Run(c.session(), "INSERT INTO a SELECT column1, column2 FROM (VALUES " + rows + ")");
  Run(c.session(), "INSERT INTO b VALUES " + keys);
  // A join not on the shard keys goes through the merge engine: ~1.5 MB of rows.
  const std::string query =
      "SELECT count(*), sum(length(a.pad)), sum(b.x) FROM a JOIN b ON a.k = b.k WHERE b.x < 50";
  std::string roomy = Rows(c, query);
  Run(c.session(), "SET merge_memory_limit = '1MB'");
  CHECK(Run(c.session(), "SHOW merge_memory_limit").rows[0][0] == Value::Text("1MB"));
  CHECK(Rows(c, query) == roomy);
  CHECK(roomy == "1550 | 775000 | 37975\n");
}

TEST_CASE("settings: SET, SHOW, RESET and their errors") {
  TestCluster c(2);
  CHECK(SqlstateOf(c.session(), "SET no_such_setting = 1") == "42704");
  CHECK(SqlstateOf(c.session(), "SHOW no_such_setting") == "42704");
  CHECK(SqlstateOf(c.session(), "SET default_distribution = 'sideways'") == "22023");
  CHECK(SqlstateOf(c.session(), "SET merge_memory_limit = 'lots'") == "22023");
  Run(c.session(), "SET default_distribution = reference; CREATE TABLE t (a INTEGER)");
  CHECK(c.cluster().catalog().Snapshot()->FindTable("t")->distribution ==
        DistributionKind::kReference);
  Run(c.session(), "RESET default_distribution");
  CHECK(Run(c.session(), "SHOW default_distribution").rows[0][0] == Value::Text("hash"));
  Run(c.session(), "SET application_name = 'psql'");  // accepted for client compatibility
  QueryResult all = Run(c.session(), "SHOW ALL");
  CHECK(all.columns == std::vector<std::string>{"name", "setting", "description"});
  CHECK(all.rows.size() == SettingRegistry().size());
  CHECK(all.rows[0][0] == Value::Text("application_name"));
  CHECK(all.rows[0][1] == Value::Text("psql"));
  // Read-only, as in PostgreSQL.
  CHECK(SqlstateOf(c.session(), "SET server_version = '16'") == "55P02");
  // PostgreSQL's units for times, shown back in the largest unit that divides them.
  Run(c.session(), "SET statement_timeout = '2s'");
  CHECK(Run(c.session(), "SHOW statement_timeout").rows[0][0] == Value::Text("2s"));
  Run(c.session(), "SET statement_timeout = 1500");
  CHECK(Run(c.session(), "SHOW statement_timeout").rows[0][0] == Value::Text("1500ms"));
  CHECK(SqlstateOf(c.session(), "SET statement_timeout = '2 fortnights'") == "22023");
  Run(c.session(), "SET statement_timeout TO DEFAULT");
  CHECK(Run(c.session(), "SHOW statement_timeout").rows[0][0] == Value::Text("0"));
}

TEST_CASE("disabled_rules takes rule and step names, and plans differ by it, never results") {
  TestCluster c(3);
  Run(c.session(), "CREATE TABLE t (k INTEGER, g INTEGER, v REAL) DISTRIBUTE BY HASH (k)");
  std::string rows;
  for (int i = 0; i < 60; ++i)
    rows += fmt::format("{}({}, {}, {})", i ? ", " : "", i, i % 4, i * 0.5);
  Run(c.session(), "INSERT INTO t VALUES " + rows);
  CHECK(SqlstateOf(c.session(), "SET disabled_rules = 'NoSuchRule'") == "22023");
  const std::string query = "SELECT g, count(*), avg(v) FROM t GROUP BY g ORDER BY g";
  std::string expected = Rows(c, query);
  auto plan_of = [&] { return c.session().PlanFor(query)->plan; };
  std::shared_ptr<const PlannedStatement> two_phase = plan_of();
  CHECK(two_phase->trace.Fired("AggregateInTwoPhases"));
  // Names match without regard to case and print in their own spelling.
  Run(c.session(), "SET disabled_rules = 'splitavgintototalandcount, PushLimitToShards'");
  CHECK(Run(c.session(), "SHOW disabled_rules").rows[0][0] ==
        Value::Text("PushLimitToShards, SplitAvgIntoTotalAndCount"));
  // A different plan, cached apart from the first: the setting is part of the cache key.
  std::shared_ptr<const PlannedStatement> general = plan_of();
  CHECK(general != two_phase);
  CHECK(general->distributed.strategy == "general path");
  CHECK(Rows(c, query) == expected);
  Run(c.session(), "RESET disabled_rules");
  CHECK(plan_of() == two_phase);
}

TEST_CASE("DDL refuses what cannot be kept exact, with PostgreSQL's codes") {
  TestCluster c(2);
  CHECK(SqlstateOf(c.session(),
                   "CREATE TABLE t (a INTEGER, b TEXT UNIQUE) DISTRIBUTE BY HASH (a)") == "0A000");
  CHECK(SqlstateOf(c.session(),
                   "CREATE TABLE t (a INTEGER, b INTEGER PRIMARY KEY) DISTRIBUTE BY HASH (a)") ==
        "0A000");
  CHECK(SqlstateOf(c.session(), "CREATE TABLE t (a INTEGER, a TEXT)") == "42701");
  CHECK(SqlstateOf(c.session(), "CREATE TABLE t (a INTEGER) DISTRIBUTE BY HASH (b)") == "42703");
  Run(c.session(),
      "CREATE TABLE t (a INTEGER, b TEXT) DISTRIBUTE BY HASH (a); CREATE VIEW v AS SELECT a FROM "
      "t");
  CHECK(SqlstateOf(c.session(), "CREATE TABLE t (x INTEGER)") == "42P07");
  CHECK(SqlstateOf(c.session(), "DROP TABLE v") == "42809");
  CHECK(SqlstateOf(c.session(), "DROP VIEW t") == "42809");
  CHECK(SqlstateOf(c.session(), "DROP TABLE nope") == "42P01");
  CHECK(SqlstateOf(c.session(), "CREATE UNIQUE INDEX t_b ON t (b)") == "0A000");
  CHECK(SqlstateOf(c.session(), "INSERT INTO v VALUES (1)") == "55000");
  CHECK(SqlstateOf(c.session(), "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END") ==
        "0A000");
  QueryResult r = Run(c.session(), "DROP TABLE IF EXISTS nope");
  REQUIRE(r.notices.size() == 1);
  CHECK(r.notices[0].find("does not exist, skipping") != std::string::npos);
}

TEST_CASE("a shard key left out takes its DEFAULT per row, as in one database") {
  TestCluster c(3);
  Run(c.session(),
      "CREATE TABLE r (k INT PRIMARY KEY DEFAULT (random()), v TEXT) DISTRIBUTE BY HASH (k);"
      "CREATE TABLE d (k TEXT DEFAULT 'x', v INTEGER) DISTRIBUTE BY HASH (k)");
  // A volatile default gives each row its own key (one value for all would break the key).
  Run(c.session(), "INSERT INTO r (v) VALUES ('a'), ('b'), ('c'), ('d'), ('e')");
  CHECK(Rows(c, "SELECT count(DISTINCT k), count(*) FROM r") == "5 | 5\n");
  Run(c.session(), "INSERT INTO d (v) VALUES (1), (2); INSERT INTO d (v) SELECT 3 WHERE 0");
  CHECK(Rows(c, "SELECT k, v FROM d ORDER BY v") == "x | 1\nx | 2\n");
}

TEST_CASE("temporary views: the session's own, dropped alongside catalog views") {
  TestCluster c(2);
  Run(c.session(), "CREATE VIEW gv AS SELECT 1 AS one; CREATE TEMP VIEW tv AS SELECT 2 AS two");
  CHECK(SqlstateOf(c.session(), "CREATE TEMP VIEW tv AS SELECT 3") == "42P07");
  QueryResult skipped = Run(c.session(), "CREATE TEMP VIEW IF NOT EXISTS tv AS SELECT 3");
  CHECK(skipped.notices.size() == 1);
  CHECK(Rows(c, "SELECT * FROM tv") == "2\n");
  // A temporary view is the session's: creating one needs no shard and may happen in a block.
  Run(c.session(), "BEGIN; CREATE TEMP VIEW t2 AS SELECT * FROM gv; DROP VIEW t2; COMMIT");
  // One DROP VIEW takes temporary and catalog views together.
  Run(c.session(), "DROP VIEW tv, gv");
  CHECK(SqlstateOf(c.session(), "SELECT * FROM tv") == "42P01");
  CHECK(SqlstateOf(c.session(), "SELECT * FROM gv") == "42P01");
}

TEST_CASE("a damaged catalog file is refused with 58030, not read as something else") {
  TestCluster c(2, /*persistent_catalog=*/true);
  Run(c.session(), "CREATE TABLE t (a INTEGER, b TEXT) DISTRIBUTE BY HASH (a)");
  // The table's record now holds a view's definition.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(c.spec().catalog_path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "UPDATE shardql_tables SET definition = 'CREATE VIEW t AS SELECT 1' "
                       "WHERE name = 't'",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  try {
    c.Restart();
    FAIL("a damaged catalog was loaded");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "58030");
    CHECK(e.message().find("damaged definition of \"t\"") != std::string::npos);
  }
}

TEST_CASE("prepared statements: prepare, describe, bind, execute with a row limit, close") {
  TestCluster c(3);
  Run(c.session(),
      "CREATE TABLE t (k INTEGER, name TEXT, v REAL) DISTRIBUTE BY HASH (k);"
      "INSERT INTO t VALUES (1, 'a', 0.5), (2, 'b', 1.5), (3, 'c', 2.5), (4, 'd', 3.5), "
      "(5, 'e', 4.5), (6, 'f', 5.5), (7, 'g', 6.5)");
  Session& s = c.session();
  const PreparedStatement& p =
      s.Prepare("by_k", "SELECT name, v FROM t WHERE k > $1 ORDER BY k", {});
  // Describe: the result's columns, and the parameter typed as what it is compared with.
  REQUIRE(p.columns.size() == 2);
  CHECK(p.columns[0].name == "name");
  // Types a wire protocol announces: on SQLite, TEXT is text (oid 25) and REAL double precision.
  CHECK(TypeOid(p.columns[0].type.type.id) == 25);
  CHECK(TypeOid(p.columns[1].type.type.id) == 701);
  REQUIRE(p.param_types.size() == 1);
  CHECK(TypeName(p.param_types[0].type) == "bigint");  // SQLite's INTEGER is 64-bit
  const PreparedStatement& agg =
      s.Prepare("agg", "SELECT count(*), avg(v), max(name), sum(k), k + 1 FROM t GROUP BY k", {});
  std::vector<uint32_t> oids;
  for (const auto& column : agg.columns)
    oids.push_back(TypeOid(column.type.type.id));
  // count: bigint, avg: double precision, max and sum: their argument's, an expression: text.
  CHECK(oids == std::vector<uint32_t>{20, 701, 25, 20, 25});
  s.Deallocate("agg");
  CHECK(SqlstateOf(s, "PREPARE by_k AS SELECT 1") == "42P05");

  // Three rows at a time from a k-way merge of three shards, the stream kept open between calls.
  s.Bind("", "by_k", {Value::Integer(0)});
  QueryResult r;
  CollectingSink sink(r);
  CHECK(s.ExecutePortal("", sink, 3));
  CHECK(r.rows.size() == 3);
  CHECK(r.tags.empty());  // suspended: no command tag yet
  CHECK(s.ExecutePortal("", sink, 3));
  CHECK(!s.ExecutePortal("", sink, 3));
  CHECK(FormatRows(r, c.cluster().dialect()) ==
        "a | 0.5\nb | 1.5\nc | 2.5\nd | 3.5\ne | 4.5\nf | 5.5\ng | 6.5\n");
  REQUIRE(r.tags.size() == 1);
  CHECK(r.tags[0] == "SELECT 7");
  CHECK_THROWS_AS(s.ExecutePortal("", sink), SqlError);  // run to completion: gone

  // A declared type converts the bound value; one that does not read as it is refused.
  s.Prepare("typed", "SELECT count(*) FROM t WHERE k <= $1", {"int"});
  s.Bind("", "typed", {Value::Text("4")});
  QueryResult counted;
  CollectingSink count_sink(counted);
  s.ExecutePortal("", count_sink);
  CHECK(FormatRows(counted, c.cluster().dialect()) == "4\n");
  try {
    s.Bind("", "typed", {Value::Text("four")});
    FAIL("bound a value that is no integer");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "22P02");
    CHECK(e.message() == "invalid input syntax for type integer: \"four\"");
  }
  CHECK_THROWS_AS(s.Bind("", "typed", {}), SqlError);  // 42601: wrong number of parameters

  // A named portal closed before it ran to the end gives its shards back.
  s.Bind("p1", "by_k", {Value::Integer(2)});
  QueryResult partial;
  CollectingSink partial_sink(partial);
  CHECK(s.ExecutePortal("p1", partial_sink, 1));
  s.ClosePortal("p1");
  CHECK(SqlstateOf(s, "SELECT count(*) FROM t") == "ok");

  // The end of a transaction closes its portals, as in PostgreSQL.
  Run(s, "BEGIN");
  s.Bind("p2", "by_k", {Value::Integer(0)});
  CHECK(s.ExecutePortal("p2", partial_sink, 1));
  Run(s, "COMMIT");
  CHECK_THROWS_AS(s.ExecutePortal("p2", partial_sink), SqlError);

  // A write through a portal runs once, whole.
  s.Prepare("add", "INSERT INTO t VALUES ($1, $2, $3)", {});
  s.Bind("", "add", {Value::Integer(8), Value::Text("h"), Value::Real(7.5)});
  QueryResult inserted;
  CollectingSink insert_sink(inserted);
  CHECK(!s.ExecutePortal("", insert_sink));
  CHECK(inserted.tags == std::vector<std::string>{"INSERT 0 1"});
  CHECK(Rows(c, "SELECT name FROM t WHERE k = 8") == "h\n");
}

TEST_CASE("PREPARE, EXECUTE and DEALLOCATE in SQL") {
  TestCluster c(2);
  Run(c.session(),
      "CREATE TABLE t (k INTEGER, name TEXT) DISTRIBUTE BY HASH (k);"
      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  QueryResult prepared = Run(c.session(), "PREPARE q (int) AS SELECT name FROM t WHERE k = $1");
  CHECK(prepared.tags == std::vector<std::string>{"PREPARE"});
  CHECK(Rows(c, "EXECUTE q(2)") == "b\n");
  CHECK(Rows(c, "EXECUTE q(1 + 2)") == "c\n");  // arguments are expressions
  // EXPLAIN EXECUTE shows the plan EXECUTE runs: one shard, chosen from the argument.
  QueryResult explain = Run(c.session(), "EXPLAIN EXECUTE q(2)");
  std::string plan;
  for (const auto& row : explain.rows)
    plan += std::string(row[0].text()) + "\n";
  CHECK(plan.find("Distributed plan: single route") != std::string::npos);
  CHECK(plan.find("$1 = 2") != std::string::npos);
  CHECK(SqlstateOf(c.session(), "EXECUTE q") == "42601");
  CHECK(SqlstateOf(c.session(), "EXECUTE nope(1)") == "26000");
  // An error in the prepared statement points into the PREPARE's text.
  try {
    Run(c.session(), "PREPARE bad AS SELECT nope FROM t");
    FAIL("prepared a statement with an unknown column");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "42703");
    REQUIRE(e.position);
    CHECK(*e.position == std::string("PREPARE bad AS SELECT ").size());
  }
  CHECK(Run(c.session(), "DEALLOCATE q").tags == std::vector<std::string>{"DEALLOCATE"});
  CHECK(SqlstateOf(c.session(), "EXECUTE q(1)") == "26000");
  CHECK(SqlstateOf(c.session(), "DEALLOCATE q") == "26000");
  Run(c.session(), "PREPARE a AS SELECT 1; PREPARE b AS SELECT 2");
  CHECK(Run(c.session(), "DEALLOCATE ALL").tags == std::vector<std::string>{"DEALLOCATE ALL"});
  CHECK(SqlstateOf(c.session(), "EXECUTE a") == "26000");
}
