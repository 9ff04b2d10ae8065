// Recovery and `shardql check`, driven deterministically: the states a router killed at the wrong
// moment leaves are made by hand (a commit record of a router that is not running, an index on
// one shard only, a row on the wrong shard), then a router opens the cluster or check looks.
// tests/torture/torture.py kills real routers at random moments for the same promise.

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "executor/cluster_check.h"
#include "executor/recovery.h"
#include "executor/redo_spill.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"
#include "planner/commit_record.h"
#include "planner/shard_pruning.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

int64_t CountInFile(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

void ExecInFile(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* error = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO(sql << ": " << (error ? error : "ok"));
  CHECK(error == nullptr);
  sqlite3_free(error);
  sqlite3_close(db);
}

bool Mentions(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("a decided transaction of a router that died is finished when a router opens") {
  TestCluster c(3, /*persistent_catalog=*/true);
  Run(c.session(), "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k)");
  auto table = c.cluster().catalog().Snapshot()->FindTable("t");
  // A router that is not running decided to insert keys 1..6; s0 committed its part (its marker
  // is there), the others lost theirs.
  CommitRecord record;
  record.owner = "deadbeefdeadbeef";
  record.gid = "deadbeefdeadbeef:7";
  const Dialect& dialect = c.cluster().dialect();
  std::map<std::string, std::vector<RedoStatement>> parts;
  for (int64_t k = 1; k <= 6; ++k) {
    std::string shard = table->shards()[ShardIndexOfKey(Value::Integer(k), *table, dialect)];
    parts[shard].push_back(
        {"INSERT INTO t VALUES (?1, ?2)", {Value::Integer(k), Value::Text("v")}});
  }
  REQUIRE(parts.size() == 3);
  for (auto& [shard, statements] : parts) {
    statements.push_back({MarkerInsertSql(dialect), {Value::Text(record.gid)}});
    record.shards.emplace_back(shard, statements);
  }
  std::string committed = record.shards[0].first;
  size_t committed_index = c.cluster().ShardIndex(committed);
  for (const RedoStatement& s : record.shards[0].second) {
    BackendStatus status;
    auto connection = c.cluster().shard(committed_index).pool->Acquire(status);
    REQUIRE(connection->Execute(s.sql, s.params, nullptr).ok);
    c.cluster().shard(committed_index).pool->Release(std::move(connection));
  }
  c.cluster().catalog().store()->AppendCommit(record);

  // `check` sees it and finishes nothing; a router opening the cluster finishes it.
  CheckReport before = CheckCluster(c.cluster(), false);
  CHECK(Mentions(before.problems, "not finished: deadbeefdeadbeef:7"));
  c.Restart();
  CHECK(FormatRows(Run(c.session(), "SELECT count(*) FROM t"), c.cluster().dialect()) == "6\n");
  CheckReport after = CheckCluster(c.cluster(), false);
  CHECK(after.problems.empty());
  CHECK(c.cluster().catalog().store()->Commits().empty());
  // The shard that had committed was not given the rows twice, and no marker is left.
  for (const ShardSpec& s : c.spec().shards) {
    CHECK(CountInFile(s.location, "SELECT count(*) FROM shardql_applied") == 0);
  }
}

TEST_CASE(
    "check finds a half-made index, a stray table and misplaced rows; --repair fixes what "
    "it can decide") {
  TestCluster c(2, /*persistent_catalog=*/true);
  c.SkipCheckAtEnd();  // it leaves misplaced rows on purpose
  Run(c.session(),
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k);"
      "CREATE TABLE r (a INTEGER) DISTRIBUTE BY REFERENCE;"
      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'); INSERT INTO r VALUES (1)");
  CHECK(CheckCluster(c.cluster(), false).problems.empty());
  const std::string& s0 = c.spec().shards[0].location;
  const std::string& s1 = c.spec().shards[1].location;
  // What the issue found after a kill -9 during CREATE INDEX: the index on one shard only.
  ExecInFile(s0, "CREATE INDEX big_pad ON t (v, k)");
  ExecInFile(s1, "CREATE TABLE stray (x INTEGER)");
  ExecInFile(s1, "INSERT INTO r VALUES (2)");
  auto table = c.cluster().catalog().Snapshot()->FindTable("t");
  // A row whose key belongs to the other shard.
  int64_t key = 100;
  while (table->shards()[ShardIndexOfKey(Value::Integer(key), *table, c.cluster().dialect())] !=
         "s1") {
    ++key;
  }
  ExecInFile(s0, fmt::format("INSERT INTO t VALUES ({}, 'x')", key));

  CheckReport found = CheckCluster(c.cluster(), false);
  CHECK(Mentions(found.problems, "s0: index big_pad (on t) is not in the catalog"));
  CHECK(Mentions(found.problems, "s1: table stray is not in the catalog (it is empty)"));
  CHECK(Mentions(found.problems, "r: the copies of this reference table differ"));
  CHECK(Mentions(found.problems, "t: 1 rows on s0 belong to other shards"));

  CheckReport repaired = CheckCluster(c.cluster(), true);
  CHECK(Mentions(repaired.repairs, "s0: dropped index big_pad"));
  CHECK(Mentions(repaired.repairs, "s1: dropped empty table stray"));
  // What needs a person is still reported, not touched.
  CHECK(Mentions(repaired.problems, "t: 1 rows on s0 belong to other shards"));
  CHECK(Mentions(repaired.problems, "r: the copies of this reference table differ"));
  CHECK(CountInFile(s0, "SELECT count(*) FROM sqlite_schema WHERE name = 'big_pad'") == 0);
  // The follow-up now works: the index can be made (and dropped) again.
  Run(c.session(), "CREATE INDEX big_pad ON t (v, k)");
  Run(c.session(), "DROP INDEX big_pad");
}

TEST_CASE("DDL is decided with the catalog: a shard that fails it leaves no half") {
  TestCluster c(3, /*persistent_catalog=*/true);
  c.SkipCheckAtEnd();  // the index made behind the router's back stays on s2
  Run(c.session(), "CREATE TABLE t (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k)");
  // An index of that name already on s2 (made behind the router's back): the CREATE fails there,
  // and neither the other shards nor the catalog keep it.
  ExecInFile(c.spec().shards[2].location, "CREATE INDEX ix ON t (v)");
  try {
    Run(c.session(), "CREATE INDEX ix ON t (v)");
    FAIL("CREATE INDEX succeeded");
  } catch (const SqlError& e) {
    CHECK(e.shard == "s2");
  }
  CHECK(c.cluster().catalog().Snapshot()->FindIndex("ix") == nullptr);
  for (size_t s = 0; s < 2; ++s) {
    CHECK(CountInFile(c.spec().shards[s].location,
                      "SELECT count(*) FROM sqlite_schema WHERE name = 'ix'") == 0);
  }
}

TEST_CASE(
    "a decided transaction's spilled redo is redone in order before its record; the spill "
    "file of a router that died undecided is removed") {
  TestCluster c(2, /*persistent_catalog=*/true);
  Run(c.session(), "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k)");
  const Dialect& dialect = c.cluster().dialect();
  CatalogStore& store = *c.cluster().catalog().store();
  // A router that is not running spilled its redo for both shards in two runs each (as a large
  // \copy does before its decision), then decided: the record holds the last statement and the
  // marker. Neither shard committed its part. Order matters: the UPDATEs see the INSERT.
  CommitRecord record;
  record.owner = "deadbeefdeadbeef";
  record.gid = "deadbeefdeadbeef:9";
  auto spill = std::make_unique<RedoSpillFile>(store.path(), record.gid);
  for (const ShardSpec& s : c.spec().shards) {
    auto table = c.cluster().catalog().Snapshot()->FindTable("t");
    int64_t key = 1;
    while (table->shards()[ShardIndexOfKey(Value::Integer(key), *table, dialect)] != s.name)
      ++key;
    EncodedRedo first, second;
    first.Append("INSERT INTO t VALUES (?1, ?2)", {Value::Integer(key), Value::Text("a")});
    second.Append("UPDATE t SET v = v || ?1", {Value::Text("b")});
    spill->Append(s.name, first);
    spill->Append(s.name, second);
    record.shards.push_back({s.name,
                             {{"UPDATE t SET v = v || ?1", {Value::Text("c")}},
                              {MarkerInsertSql(dialect), {Value::Text(record.gid)}}}});
  }
  spill->Sync();
  store.AppendCommit(record);
  spill->Keep();
  spill.reset();
  // The spill file of a transaction another dead router never decided.
  EncodedRedo undecided;
  undecided.Append("INSERT INTO t VALUES (?1, ?2)", {Value::Integer(1000), Value::Text("x")});
  auto orphan = std::make_unique<RedoSpillFile>(store.path(), "feedfacefeedface:3");
  orphan->Append("s0", undecided);
  orphan->Keep();
  orphan.reset();
  REQUIRE(SpilledRedoGids(store.path()).size() == 2);

  c.Restart();  // a new cluster, with its own dialect
  CHECK(FormatRows(Run(c.session(), "SELECT v, count(*) FROM t GROUP BY v"),
                   c.cluster().dialect()) == "abc | 2\n");
  CHECK(c.cluster().catalog().store()->Commits().empty());
  CHECK(SpilledRedoGids(c.cluster().catalog().store()->path()).empty());
}

TEST_CASE(
    "a transaction larger than the router keeps in memory spills its redo to a file, and leaves "
    "none of it behind") {
  TestCluster c(2, /*persistent_catalog=*/true);
  Run(c.session(), "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) DISTRIBUTE BY HASH (k)");
  std::string big(3 << 20, 'x');  // 3 MB a row: four rows pass the 8 MB the router keeps
  auto insert_rows = [&](int64_t from) {
    for (int64_t k = from; k < from + 4; ++k)
      Run(c.session(), "INSERT INTO t VALUES ($1, $2)", {Value::Integer(k), Value::Text(big)});
  };
  const std::string catalog = c.cluster().catalog().store()->path();
  Run(c.session(), "BEGIN");
  insert_rows(1);
  CHECK(SpilledRedoGids(catalog).size() == 1);
  Run(c.session(), "ROLLBACK");
  CHECK(SpilledRedoGids(catalog).empty());
  Run(c.session(), "BEGIN");
  insert_rows(1);
  Run(c.session(), "COMMIT");
  CHECK(SpilledRedoGids(catalog).empty());
  CHECK(FormatRows(Run(c.session(), "SELECT count(*), sum(length(v)) FROM t"),
                   c.cluster().dialect()) == fmt::format("4 | {}\n", 4 * big.size()));
}

TEST_CASE("a spilled redo file cut short between a run's fields is refused as damaged") {
  char dir[] = "/tmp/shardql-spill-XXXXXX";
  const std::string folder = mkdtemp(dir);
  const std::string catalog = folder + "/cluster.catalog.db";
  {
    RedoSpillFile file(catalog, "g1");
    EncodedRedo redo;
    redo.Append("INSERT INTO t VALUES (?)", {Value::Integer(1)});
    file.Append("s0", redo);
    file.Sync();
    file.Keep();
  }
  const std::string path = RedoSpillPath(catalog, "g1");
  int runs = 0;
  ForEachSpilledRedo(catalog, "g1", "s0", [&](const std::vector<RedoStatement>&) { ++runs; });
  CHECK(runs == 1);
  // The name's length and the name, then nothing: the run's count is missing.
  std::filesystem::resize_file(path, 8 + 2);
  std::string code;
  try {
    ForEachSpilledRedo(catalog, "g1", "s0", [&](const std::vector<RedoStatement>&) {});
  } catch (const SqlError& e) {
    code = e.sqlstate();
  }
  CHECK(code == "58030");
  std::filesystem::remove_all(folder);
}
