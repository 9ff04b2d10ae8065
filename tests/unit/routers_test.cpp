// Nothing read from the wrong place: shard files know whose they are, a file removed under a
// running router takes no writes, and several routers on one catalog see each other's DDL before
// their next statement, never beside it.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "grammar/sql_error.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

struct Folder : TempFolder {
  ClusterSpec Spec(size_t shards, const std::string& catalog = "catalog.db") const {
    ClusterSpec spec;
    spec.catalog_path = path + "/" + catalog;
    for (size_t i = 0; i < shards; ++i) {
      spec.shards.push_back(
          {fmt::format("s{}", i), BackendKind::kSqlite, fmt::format("{}/s{}.db", path, i)});
    }
    return spec;
  }
};

// The error Cluster::Open refuses `spec` with.
SqlError OpenError(const ClusterSpec& spec) {
  try {
    Cluster::Open(spec);
  } catch (const SqlError& e) {
    return e;
  }
  FAIL("the cluster opened");
  return SqlError("", "");
}

void MakeTable(const ClusterSpec& spec) {
  auto cluster = Cluster::Open(spec);
  Session session(*cluster);
  Run(session,
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k);"
      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f')");
}

int64_t Count(Session& session, const std::string& sql) {
  return Run(session, sql).rows.at(0).at(0).integer();
}

}  // namespace

TEST_CASE("a shard file that is not this shard's is refused at startup, naming it") {
  Folder folder;
  ClusterSpec spec = folder.Spec(2);
  MakeTable(spec);

  SUBCASE("swapped") {
    std::swap(spec.shards[0].location, spec.shards[1].location);
    SqlError e = OpenError(spec);
    CHECK(e.sqlstate() == "F0000");
    CHECK(e.message().find("s1.db\" is shard \"s1\" of this cluster, not shard \"s0\"") !=
          std::string::npos);
  }
  SUBCASE("one file for two shards") {
    spec.shards[1].location = spec.shards[0].location;
    SqlError e = OpenError(spec);
    CHECK(e.sqlstate() == "F0000");
    CHECK(e.message().find("are both configured on") != std::string::npos);
  }
  SUBCASE("emptied") {
    std::filesystem::resize_file(spec.shards[1].location, 0);
    std::filesystem::remove(spec.shards[1].location + "-wal");
    SqlError e = OpenError(spec);
    CHECK(e.sqlstate() == "08006");
    CHECK(e.message().find("is empty, but the catalog places tables on this shard") !=
          std::string::npos);
    CHECK(e.shard == "s1");
  }
  SUBCASE("another cluster's") {
    Folder other;
    ClusterSpec foreign = other.Spec(2);
    MakeTable(foreign);
    spec.shards[1].location = foreign.shards[1].location;
    SqlError e = OpenError(spec);
    CHECK(e.sqlstate() == "F0000");
    CHECK(e.message().find("belongs to another cluster") != std::string::npos);
  }
  SUBCASE("as it was: opens") {
    auto cluster = Cluster::Open(spec);
    Session session(*cluster);
    CHECK(Count(session, "SELECT count(*) FROM t") == 6);
  }
}

TEST_CASE("a shard file removed while the router runs takes no writes") {
  Folder folder;
  ClusterSpec spec = folder.Spec(2);
  MakeTable(spec);
  auto cluster = Cluster::Open(spec);
  Session session(*cluster);
  CHECK(Count(session, "SELECT count(*) FROM t") == 6);
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(spec.shards[1].location + suffix);
  // Rows for both shards: the statement fails whole, naming the file.
  try {
    Run(session, "INSERT INTO t VALUES (7, 'g'), (8, 'h'), (9, 'i'), (10, 'j')");
    FAIL("the insert succeeded into a removed file");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "58030");
    CHECK(e.message().find("was removed or replaced while the router was running") !=
          std::string::npos);
    CHECK(e.shard == "s1");
  }
  CHECK(Count(session, "SELECT count(*) FROM t WHERE k > 6") == 0);  // s0 rolled back too
}

TEST_CASE("routers on one catalog see each other's DDL before their next statement") {
  Folder folder;
  ClusterSpec spec = folder.Spec(3);
  auto a = Cluster::Open(spec);
  auto b = Cluster::Open(spec);
  Session on_a(*a), on_b(*b);
  Run(on_a, "CREATE TABLE kv2 (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k)");
  Run(on_b, "INSERT INTO kv2 VALUES (1, 'x')");  // b learns of the table
  CHECK(Count(on_a, "SELECT count(*) FROM kv2") == 1);

  // The finding: b remakes kv2 as a reference table; a's inserts must follow.
  Run(on_b, "DROP TABLE kv2; CREATE TABLE kv2 (k INTEGER, v TEXT) DISTRIBUTE BY REFERENCE");
  Run(on_a, "INSERT INTO kv2 VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f')");
  for (size_t s = 0; s < 3; ++s) {
    BackendStatus status;
    auto connection = a->shard(s).pool->Acquire(status);
    REQUIRE(connection);
    struct Sink : RowSink {
      int64_t n = -1;
      bool Consume(RowBatch& batch) override {
        n = batch.at(0, 0).integer();
        return true;
      }
    } sink;
    REQUIRE(connection->Execute("SELECT count(*) FROM kv2", {}, &sink).ok);
    CHECK(sink.n == 6);  // every shard holds every row of a reference table
    a->shard(s).pool->Release(std::move(connection));
  }
  CHECK(Count(on_b, "SELECT count(*) FROM kv2") == 6);
}

TEST_CASE("DDL waits for a transaction of another router to end, and is seen after it") {
  Folder folder;
  ClusterSpec spec = folder.Spec(2);
  auto a = Cluster::Open(spec);
  auto b = Cluster::Open(spec);
  Session on_a(*a), on_b(*b);
  Run(on_a, "CREATE TABLE t (k INTEGER, v TEXT)");
  Run(on_a, "BEGIN; INSERT INTO t VALUES (1, 'x')");
  std::atomic<bool> dropped{false};
  std::thread ddl([&] {
    Run(on_b, "DROP TABLE t");
    dropped = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(dropped.load());  // a's transaction still reads and writes t
  CHECK(Count(on_a, "SELECT count(*) FROM t") == 1);
  Run(on_a, "COMMIT");
  ddl.join();
  CHECK(dropped.load());
  try {
    Run(on_a, "SELECT * FROM t");
    FAIL("a still sees the dropped table");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "42P01");
  }
}

TEST_CASE("routers numbering keys and rowids at once never give one number twice") {
  Folder folder;
  ClusterSpec spec = folder.Spec(3);
  auto a = Cluster::Open(spec);
  auto b = Cluster::Open(spec);
  Session on_a(*a), on_b(*b);
  Run(on_a,
      "CREATE TABLE ai (id INTEGER PRIMARY KEY, n TEXT) DISTRIBUTE BY HASH (id);"
      "CREATE TABLE kv (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k)");
  auto writer = [](Session& session, const char* who) {
    for (int i = 0; i < 40; ++i) {
      Run(session, fmt::format("INSERT INTO ai (n) VALUES ('{}{}')", who, i));
      Run(session, fmt::format("INSERT INTO kv VALUES ({}, '{}')", i, who));
    }
  };
  std::thread other([&] { writer(on_b, "b"); });
  writer(on_a, "a");
  other.join();
  CHECK(Count(on_a, "SELECT count(*) FROM ai") == 80);
  CHECK(Count(on_a, "SELECT count(DISTINCT id) FROM ai") == 80);
  CHECK(Count(on_a, "SELECT max(id) FROM ai") == 80);  // 1..80: each the largest + 1 in turn
  // The hidden rowids of kv, read from the shard files: unique across them.
  std::set<int64_t> rowids;
  size_t rows = 0;
  for (size_t s = 0; s < 3; ++s) {
    BackendStatus status;
    auto connection = a->shard(s).pool->Acquire(status);
    REQUIRE(connection);
    struct Sink : RowSink {
      std::set<int64_t>* seen;
      size_t* count;
      bool Consume(RowBatch& batch) override {
        for (const Value& v : batch.values) {
          seen->insert(v.integer());
          ++*count;
        }
        return true;
      }
    } sink;
    sink.seen = &rowids;
    sink.count = &rows;
    REQUIRE(connection->Execute("SELECT rowid FROM kv", {}, &sink).ok);
    a->shard(s).pool->Release(std::move(connection));
  }
  CHECK(rows == 80);
  CHECK(rowids.size() == 80);
}

TEST_CASE("names starting with shardql_ are the router's own") {
  TestCluster c(1);
  for (const char* sql :
       {"CREATE TABLE shardql_shard (a INTEGER)", "CREATE VIEW shardql_v AS SELECT 1",
        "CREATE TABLE t (a INTEGER); CREATE INDEX shardql_i ON t (a)"}) {
    INFO(sql);
    try {
      Run(c.session(), sql);
      FAIL("accepted");
    } catch (const SqlError& e) {
      CHECK(e.sqlstate() == "42939");
    }
  }
}
