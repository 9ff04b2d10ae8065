// MaterializeTempTable's broadcast join over real SQLite shards: the answer is the one the merge
// engine gives with the rule off, and the temporary tables it makes on the shards are gone after
// the statement — when it succeeds, when a shard fails it, when it is cancelled, and with several
// sessions running it at once on the same shards.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "grammar/sql_error.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

std::string Rows(Session& session, const Cluster& cluster, const std::string& sql) {
  return FormatRows(Run(session, sql), cluster.dialect());
}

std::string Explain(Session& session, const std::string& sql) {
  std::string out;
  for (const auto& row : Run(session, "EXPLAIN " + sql).rows)
    out += std::string(row[0].text()) + "\n";
  return out;
}

// 20,000 sales spread by id, 8 regions spread by code: a join on the region is not co-located.
void MakeSalesAndRegions(Session& session) {
  Run(session,
      "CREATE TABLE sales (id INTEGER PRIMARY KEY, region TEXT COLLATE NOCASE, amount INTEGER) "
      "DISTRIBUTE BY HASH (id);"
      "CREATE TABLE regions (code TEXT COLLATE NOCASE PRIMARY KEY, name TEXT, active INTEGER) "
      "DISTRIBUTE BY HASH (code)");
  const char* spellings[] = {"north", "SOUTH", "East", "west", "Up", "down", "in", "out"};
  for (int batch = 0; batch < 20; ++batch) {
    std::string sql = "INSERT INTO sales VALUES ";
    for (int i = 0; i < 1000; ++i) {
      int id = batch * 1000 + i + 1;
      std::string region = id % 11 == 0 ? "NULL" : fmt::format("'{}'", spellings[id % 8]);
      sql += fmt::format("{}({}, {}, {})", i ? ", " : "", id, region, id % 100);
    }
    Run(session, sql);
  }
  Run(session,
      "INSERT INTO regions VALUES ('NORTH', 'North', 1), ('south', 'South', 1), "
      "('east', 'East', 0), ('WEST', 'West', 1), ('up', 'Up', 1), ('Down', 'Down', 0), "
      "('in', 'In', 1), ('Out', 'Out', 1)");
  Run(session, "ANALYZE");
}

// The temporary tables on every connection the shards' pools keep idle (all of them: more are
// taken than a pool keeps, so the idle ones are among them).
int64_t TempTablesLeft(Cluster& cluster) {
  int64_t left = 0;
  for (size_t s = 0; s < cluster.shard_count(); ++s) {
    std::vector<std::unique_ptr<BackendConnection>> taken;
    for (int i = 0; i < 20; ++i) {
      BackendStatus status;
      taken.push_back(cluster.shard(s).pool->Acquire(status));
      REQUIRE(taken.back());
      CollectingRowSink sink;
      REQUIRE(taken.back()->Execute("SELECT count(*) FROM sqlite_temp_master", {}, &sink).ok);
      left += sink.rows.at(0).at(0).integer();
    }
    for (auto& connection : taken)
      cluster.shard(s).pool->Release(std::move(connection));
  }
  return left;
}

const char* kJoin =
    "SELECT r.name, count(*), sum(s.amount) FROM sales s JOIN regions r ON s.region = r.code "
    "WHERE r.active = 1 GROUP BY r.name ORDER BY r.name";

}  // namespace

TEST_CASE("a broadcast join answers as the merge engine does and leaves no temporary table") {
  TestCluster c(4);
  MakeSalesAndRegions(c.session());
  std::string plan = Explain(c.session(), kJoin);
  CHECK(plan.find("MaterializeTempTable fired") != std::string::npos);
  CHECK(plan.find("Copy to each shard as temporary table shardql_temp_1") != std::string::npos);
  std::string with = Rows(c.session(), c.cluster(), kJoin);
  // NOCASE is kept by the copy: 'north' in sales meets 'NORTH' in regions.
  CHECK(with.find("North | ") != std::string::npos);
  Run(c.session(), "SET disabled_rules = 'MaterializeTempTable'");
  CHECK(Explain(c.session(), kJoin).find("Copy to each shard") == std::string::npos);
  CHECK(Rows(c.session(), c.cluster(), kJoin) == with);
  Run(c.session(), "RESET disabled_rules");
  // The small side on the right of a LEFT JOIN: every sale once, NULL regions included.
  std::string left =
      "SELECT count(*), count(r.name) FROM sales s LEFT JOIN regions r ON s.region = r.code "
      "AND r.active = 1";
  CHECK(Explain(c.session(), left).find("MaterializeTempTable fired") != std::string::npos);
  std::string left_rows = Rows(c.session(), c.cluster(), left);
  Run(c.session(), "SET disabled_rules = 'MaterializeTempTable'");
  CHECK(Rows(c.session(), c.cluster(), left) == left_rows);
  Run(c.session(), "RESET disabled_rules");
  CHECK(TempTablesLeft(c.cluster()) == 0);
}

TEST_CASE("a broadcast join's temporary tables go after an error, a cancel and a dead shard") {
  TestCluster c(4);
  MakeSalesAndRegions(c.session());
  // Integer overflow on one shard's row, in the join itself.
  std::string overflow =
      "SELECT count(*) FROM sales s JOIN regions r ON s.region = r.code AND "
      "abs(CASE WHEN s.id = 777 THEN -9223372036854775807 - 1 ELSE 0 END) = 0 "
      "WHERE r.active = 1";
  CHECK(Explain(c.session(), overflow).find("MaterializeTempTable fired") != std::string::npos);
  CHECK(SqlstateOf(c.session(), overflow) == "22003");
  CHECK(TempTablesLeft(c.cluster()) == 0);

  // Cancelled by statement_timeout while the shards join (a join no index can serve).
  std::string slow =
      "SELECT count(*) FROM sales s JOIN regions r ON s.amount * 1000 + length(r.name) > "
      "s.id * length(s.region) WHERE r.active = 1";
  CHECK(Explain(c.session(), slow).find("MaterializeTempTable fired") != std::string::npos);
  Run(c.session(), "SET statement_timeout = 1");
  CHECK(SqlstateOf(c.session(), slow) == "57014");
  Run(c.session(), "RESET statement_timeout");
  CHECK(TempTablesLeft(c.cluster()) == 0);

  // A shard whose table went behind the router's back fails the statement, naming it.
  c.SkipCheckAtEnd();
  sqlite3* db = nullptr;
  sqlite3_open(c.spec().shards[2].location.c_str(), &db);
  REQUIRE(sqlite3_exec(db, "DROP TABLE sales", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  try {
    Run(c.session(), kJoin);
    FAIL("the query should fail");
  } catch (const SqlError& e) {
    CHECK(e.shard == "s2");
    CHECK(e.sqlstate() == "42P01");
  }
  CHECK(TempTablesLeft(c.cluster()) == 0);
}

TEST_CASE("sessions running broadcast joins at once each see their own temporary table") {
  TestCluster c(4);
  MakeSalesAndRegions(c.session());
  std::string expected = Rows(c.session(), c.cluster(), kJoin);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      Session session(c.cluster());
      // Each session's own filter: a copy seen by another session would change its answer.
      std::string mine = fmt::format(
          "SELECT count(*) FROM sales s JOIN regions r ON s.region = r.code WHERE r.active = 1 "
          "AND r.name > '{}'",
          t == 0   ? "A"
          : t == 1 ? "N"
                   : "T");
      Run(session, "SET disabled_rules = 'MaterializeTempTable'");
      std::string first = FormatRows(Run(session, mine), c.cluster().dialect());
      Run(session, "RESET disabled_rules");
      for (int i = 0; i < 15; ++i) {
        try {
          if (FormatRows(Run(session, mine), c.cluster().dialect()) != first) ++wrong;
          if (FormatRows(Run(session, kJoin), c.cluster().dialect()) != expected) ++wrong;
        } catch (const SqlError&) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(wrong == 0);
  CHECK(TempTablesLeft(c.cluster()) == 0);
}

TEST_CASE("a broadcast join stopped early inside a transaction keeps the transaction's writes") {
  TestCluster c(4);
  MakeSalesAndRegions(c.session());
  const char* first =
      "SELECT s.id FROM sales s JOIN regions r ON s.region = r.code WHERE r.active = 1 LIMIT 1";
  CHECK(Explain(c.session(), first).find("MaterializeTempTable fired") != std::string::npos);
  Run(c.session(), "BEGIN");
  Run(c.session(),
      "INSERT INTO sales VALUES (100001, 'north', 1), (100002, 'south', 2), (100003, 'west', 3), "
      "(100004, 'up', 4), (100005, 'in', 5), (100006, 'out', 6)");
  // LIMIT 1 stops the route's other shards, some of them while they load their copy: a load
  // interrupted inside the transaction would take the transaction's INSERT with it.
  for (int i = 0; i < 10; ++i)
    CHECK(Run(c.session(), first).rows.size() == 1);
  CHECK(Rows(c.session(), c.cluster(), "SELECT count(*) FROM sales WHERE id > 100000") == "6\n");
  Run(c.session(), "COMMIT");
  CHECK(Rows(c.session(), c.cluster(), "SELECT count(*) FROM sales WHERE id > 100000") == "6\n");
  CHECK(TempTablesLeft(c.cluster()) == 0);
}
