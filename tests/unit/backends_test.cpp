// The parts below the Dialect: the backend factory a configuration chooses from, SQLite's
// two-phase-commit steps (as far as SQLite allows), the merge engine on the backend's own
// connection code, and each dialect's function catalog.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "backends/backend_factory.h"
#include "backends/sqlite_backend.h"
#include "backends/sqlite_functions.h"
#include "backends/sqlite_types.h"
#include "executor/merge_engine.h"
#include "frontends/cluster_config.h"
#include "grammar/sql_error.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

std::unique_ptr<BackendConnection> Connect(Backend& backend) {
  BackendStatus status;
  auto connection = backend.Connect(status);
  REQUIRE_MESSAGE(connection, status.message);
  return connection;
}

int64_t Count(BackendConnection& connection, const std::string& table) {
  struct Sink : RowSink {
    int64_t n = -1;
    bool Consume(RowBatch& batch) override {
      n = batch.at(0, 0).integer();
      return true;
    }
  } sink;
  BackendStatus status = connection.Execute("SELECT count(*) FROM " + table, {}, &sink);
  REQUIRE(status.ok);
  return sink.n;
}

}  // namespace

TEST_CASE("SQLite's prepared transaction commits or rolls back when asked, on its connection") {
  TempFolder folder;
  SqliteBackend backend("s0", folder.path + "/s0.db");
  REQUIRE(backend.Attach({"c1", "s0"}, false).ok);
  auto writer = Connect(backend);
  auto reader = Connect(backend);
  REQUIRE(writer->Execute("CREATE TABLE t (k INTEGER)", {}, nullptr).ok);
  CHECK_FALSE(writer->prepared_transactions_survive_crash());

  // Outside a transaction there is nothing to prepare.
  BackendStatus none = writer->PrepareTransaction("g0");
  CHECK(none.sqlstate == "25P01");

  REQUIRE(writer->Begin(true).ok);
  REQUIRE(writer->Execute("INSERT INTO t VALUES (1)", {}, nullptr).ok);
  REQUIRE(writer->PrepareTransaction("g1").ok);
  CHECK(Count(*reader, "t") == 0);  // prepared is not committed
  BackendStatus wrong = writer->CommitPrepared("g2");
  CHECK(wrong.sqlstate == "42704");
  CHECK(wrong.message == "prepared transaction with identifier \"g2\" does not exist");
  // Another connection cannot finish it: SQLite's prepared state lives on its connection.
  CHECK(reader->CommitPrepared("g1").sqlstate == "42704");
  REQUIRE(writer->CommitPrepared("g1").ok);
  CHECK(Count(*reader, "t") == 1);
  CHECK(writer->CommitPrepared("g1").sqlstate == "42704");  // finished: gone

  REQUIRE(writer->Begin(true).ok);
  REQUIRE(writer->Execute("INSERT INTO t VALUES (2)", {}, nullptr).ok);
  REQUIRE(writer->PrepareTransaction("g3").ok);
  REQUIRE(writer->RollbackPrepared("g3").ok);
  CHECK_FALSE(writer->in_transaction());
  CHECK(Count(*reader, "t") == 1);
}

TEST_CASE("a shard file the catalog places tables on must exist; a new one gets its folder") {
  TempFolder folder;
  SqliteBackend missing("s0", folder.path + "/gone.db");
  BackendStatus status = missing.Attach({"c1", "s0"}, true);
  CHECK(status.sqlstate == "08006");
  CHECK(status.message.find("does not exist") != std::string::npos);
  SqliteBackend fresh("s1", folder.path + "/new/folder/s1.db");
  REQUIRE(fresh.Attach({"c1", "s1"}, false).ok);
  CHECK(std::filesystem::is_directory(folder.path + "/new/folder"));
  Connect(fresh);
  CHECK(std::filesystem::exists(folder.path + "/new/folder/s1.db"));
}

TEST_CASE("the backend factory makes what a configuration names, and refuses what it cannot") {
  CHECK(BackendKindByName("sqlite") == BackendKind::kSqlite);
  CHECK(BackendKindByName("postgresql") == BackendKind::kPostgresql);
  CHECK_FALSE(BackendKindByName("oracle").has_value());
  TempFolder folder;
  auto backend = MakeBackend({"s0", BackendKind::kSqlite, folder.path + "/s0.db"});
  CHECK(backend->location() == "sqlite:" + folder.path + "/s0.db");
  CHECK(std::string(MakeDialect(BackendKind::kSqlite)->name()) == "sqlite");

  // PostgreSQL shards come with their own issue: until then a clear refusal at startup.
  std::string config = folder.path + "/pg.ini";
  std::ofstream(config) << "[shard.s0]\npostgresql = host=localhost dbname=app\n";
  ClusterSpec spec = ReadClusterConfig(config);
  REQUIRE(spec.shards.size() == 1);
  CHECK(spec.shards[0].kind == BackendKind::kPostgresql);
  CHECK(spec.shards[0].location == "host=localhost dbname=app");  // as written, not a path
  try {
    Cluster::Open(spec);
    FAIL("a PostgreSQL shard was accepted");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "0A000");
    CHECK(e.message() == "postgresql shards are not supported yet");
  }
  // One cluster, one dialect.
  ClusterSpec mixed;
  mixed.shards.push_back({"s0", BackendKind::kSqlite, folder.path + "/a.db"});
  mixed.shards.push_back({"s1", BackendKind::kPostgresql, "dbname=x"});
  try {
    Cluster::Open(mixed);
    FAIL("a mixed cluster was accepted");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "F0000");
    CHECK(e.message().find("of one kind") != std::string::npos);
  }
}

TEST_CASE("the merge engine loads, queries and is interrupted through the backend's connection") {
  TestCluster c(2);
  std::unique_ptr<MergeEngine> engine = OpenMergeEngine(c.cluster(), 1024);
  const Dialect& dialect = c.cluster().dialect();
  engine->CreateTable(
      "\"t\"", {dialect.RenderColumnDefinition("k", SqlType(TypeId::kInt8), {}),
                dialect.RenderColumnDefinition("s", SqlType(TypeId::kText), SqliteNoCase())});
  struct Rows : RowStream {
    size_t sent = 0;
    size_t width() const override { return 2; }
    bool Next(RowBatch& out) override {
      out.clear();
      out.width = 2;
      if (sent >= 3000) return false;
      for (int i = 0; i < 1000; ++i, ++sent) {
        out.values.push_back(Value::Text(std::to_string(sent)));  // INTEGER affinity applies
        out.values.push_back(Value::Text(sent % 2 ? "A" : "a"));
        ++out.row_count;
      }
      return true;
    }
  } rows;
  engine->Load("\"t\"", rows);
  auto query = engine->Query("SELECT count(*), sum(k), count(DISTINCT s) FROM t", {}, 3, 10);
  RowBatch batch;
  REQUIRE(query->Next(batch));
  CHECK(batch.at(0, 0).integer() == 3000);
  CHECK(batch.at(0, 1).integer() == 2999 * 3000 / 2);  // stored as integers
  CHECK(batch.at(0, 2).integer() == 1);                // NOCASE: "a" and "A" are one value
  query.reset();

  engine->Interrupt();
  try {
    auto stuck = engine->Query("SELECT count(*) FROM t a, t b", {}, 1, 10);
    stuck->Next(batch);
    FAIL("the interrupted engine ran a query");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "57014");
  }
}

TEST_CASE("a DEFAULT is evaluated once per row by the merge engine of the cluster's dialect") {
  TestCluster c(2);
  std::vector<Value> values = EvaluateDefaults(c.cluster(), "random()", 50, 1024);
  REQUIRE(values.size() == 50);
  std::set<int64_t> distinct;
  for (const Value& v : values)
    distinct.insert(v.integer());
  CHECK(distinct.size() > 45);  // a volatile default differs per row
  CHECK(EvaluateDefaults(c.cluster(), "", 3, 1024) ==
        std::vector<Value>{Value::Null(), Value::Null(), Value::Null()});
}

TEST_CASE("SQLite's function catalog: aggregates, their two-phase split, volatile functions") {
  const FunctionCatalog& f = SqliteFunctions();
  CHECK(f.IsAggregate("count", 1));
  CHECK(f.IsAggregate("min", 1));
  CHECK_FALSE(f.IsAggregate("min", 2));  // SQLite's scalar min(a, b)
  CHECK_FALSE(f.IsAggregate("abs", 1));
  REQUIRE(f.Find("avg"));
  CHECK(f.Find("avg")->partials == std::vector<std::string>{"total", "count"});
  CHECK(f.Find("avg")->final == FinalAggregateKind::kAvg);
  CHECK(f.Find("group_concat")->partials.empty());  // order-revealing: never split
  CHECK(f.VolatilityOf("random") == Volatility::kVolatile);
  CHECK(f.VolatilityOf("abs") == Volatility::kImmutable);
}
