// The executor's rare paths, over real SQLite shards: statement timeouts and cancel requests
// interrupt every shard (on the worker pool, on the statement's own thread, in the merge engine),
// closing a stream early stops its shards, a shard failing while others stream fails the
// statement with its name and leaves the session usable, an exception in shard work becomes the
// statement's error, one bounded worker pool serves every session, and a transaction's pinned
// connection serves one lease at a time.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <thread>

#include "backends/sqlite_backend.h"
#include "backends/sqlite_dialect.h"
#include "executor/exec_context.h"
#include "frontends/demo_cluster.h"
#include "grammar/sql_error.h"
#include "planner/hash_ring.h"
#include "planner/shard_pruning.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Outcome {
  std::string sqlstate = "ok";
  std::string message;
  std::string shard;
  double ms = 0;
};

Outcome Timed(Session& session, const std::string& sql) {
  Outcome out;
  auto start = Clock::now();
  try {
    Run(session, sql);
  } catch (const SqlError& e) {
    out.sqlstate = e.sqlstate();
    out.message = e.message();
    out.shard = e.shard;
  }
  out.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return out;
}

// 10,000 × `tens_of_thousands` rows in big(k, v), hashed on k: inserted through the router from a
// cross join.
void MakeBig(Session& session, int tens_of_thousands) {
  Run(session,
      "CREATE TABLE digit (d INTEGER) DISTRIBUTE BY REFERENCE;"
      "INSERT INTO digit VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);"
      "CREATE TABLE big (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k);");
  Run(session,
      fmt::format("INSERT INTO big SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d, "
                  "'row' FROM digit a, digit b, digit c, digit e, digit f WHERE f.d < {}",
                  tens_of_thousands));
}

// The rows each shard of the last EXPLAIN ANALYZE's first route fetched.
std::vector<int64_t> FetchedPerShard(const QueryResult& explain) {
  std::vector<int64_t> out;
  static const std::regex kActual("actual s[0-9]+: ([0-9]+) rows");
  for (const auto& row : explain.rows) {
    std::string line(row[0].text());
    std::smatch m;
    if (std::regex_search(line, m, kActual)) out.push_back(std::stoll(m[1]));
  }
  return out;
}

// A shard backend whose cursors throw after `after` batches: shard work that fails in a way no
// BackendStatus reports (the fault injected into a real SQLite shard).
class ThrowingBackend : public Backend {
 public:
  ThrowingBackend(std::shared_ptr<Backend> real, int after)
      : real_(std::move(real)), after_(after) {}
  const std::string& shard_name() const override { return real_->shard_name(); }
  std::string location() const override { return real_->location(); }
  BackendStatus Attach(const ShardIdentity& identity, bool holds_tables) override {
    return real_->Attach(identity, holds_tables);
  }
  std::unique_ptr<BackendConnection> Connect(BackendStatus& status) override;

  std::atomic<bool> armed{false};

 private:
  std::shared_ptr<Backend> real_;
  int after_;
};

class ThrowingCursor : public RowCursor {
 public:
  ThrowingCursor(std::unique_ptr<RowCursor> real, int after)
      : real_(std::move(real)), left_(after) {}
  bool Next(RowBatch& out, size_t max_rows, BackendStatus& status) override {
    if (left_-- == 0) throw std::runtime_error("injected fault");
    return real_->Next(out, max_rows, status);
  }

 private:
  std::unique_ptr<RowCursor> real_;
  int left_;
};

class ThrowingConnection : public BackendConnection {
 public:
  ThrowingConnection(std::unique_ptr<BackendConnection> real, ThrowingBackend& backend, int after)
      : real_(std::move(real)), backend_(backend), after_(after) {}
  std::unique_ptr<RowCursor> Query(const std::string& sql, const std::vector<Value>& params,
                                   BackendStatus& status) override {
    auto cursor = real_->Query(sql, params, status);
    if (!cursor || !backend_.armed) return cursor;
    return std::make_unique<ThrowingCursor>(std::move(cursor), after_);
  }
  BackendStatus Execute(const std::string& sql, const std::vector<Value>& params, RowSink* sink,
                        size_t batch_rows) override {
    return real_->Execute(sql, params, sink, batch_rows);
  }
  void Interrupt() override { real_->Interrupt(); }
  void ClearInterrupt() override { real_->ClearInterrupt(); }
  BackendStatus Begin(bool for_write) override { return real_->Begin(for_write); }
  BackendStatus Commit() override { return real_->Commit(); }
  BackendStatus Rollback() override { return real_->Rollback(); }
  bool in_transaction() const override { return real_->in_transaction(); }
  BackendStatus PrepareTransaction(const std::string& gid) override {
    return real_->PrepareTransaction(gid);
  }
  BackendStatus CommitPrepared(const std::string& gid) override {
    return real_->CommitPrepared(gid);
  }
  BackendStatus RollbackPrepared(const std::string& gid) override {
    return real_->RollbackPrepared(gid);
  }
  bool prepared_transactions_survive_crash() const override {
    return real_->prepared_transactions_survive_crash();
  }

 private:
  std::unique_ptr<BackendConnection> real_;
  ThrowingBackend& backend_;
  int after_;
};

std::unique_ptr<BackendConnection> ThrowingBackend::Connect(BackendStatus& status) {
  auto real = real_->Connect(status);
  if (!real) return nullptr;
  return std::make_unique<ThrowingConnection>(std::move(real), *this, after_);
}

}  // namespace

TEST_CASE("statement_timeout cancels a three-way cross join of flights within a second") {
  TestCluster c(4);
  LoadDemoData(c.session(), 5000);
  Run(c.session(), "SET statement_timeout = '500ms'");
  SUBCASE("in the merge engine (the general path)") {
    Outcome o = Timed(c.session(), "SELECT count(*) FROM flights a, flights b, flights c");
    CHECK(o.sqlstate == "57014");
    CHECK(o.message == "canceling statement due to statement timeout");
    CHECK(o.ms < 1500);
  }
  SUBCASE("on every shard at once (the worker pool)") {
    Outcome o =
        Timed(c.session(), "SELECT count(*) FROM flights f, part a, part b, part c, vendor v");
    CHECK(o.sqlstate == "57014");
    CHECK(o.ms < 1500);
  }
  SUBCASE("on one shard, read on the statement's own thread") {
    Outcome o = Timed(c.session(), "SELECT count(*) FROM part a, part b, part c, part d, part e");
    CHECK(o.sqlstate == "57014");
    CHECK(o.ms < 1500);
  }
  // The session goes on: its connections came back and nothing stays interrupted.
  Run(c.session(), "SET statement_timeout = 0");
  CHECK(FormatRows(Run(c.session(), "SELECT count(*) FROM flights"), c.cluster().dialect()) ==
        "5000\n");
}

TEST_CASE("a cancel request from another thread stops the running statement") {
  TestCluster c(4);
  LoadDemoData(c.session(), 5000);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.session().Cancel();
  });
  Outcome o = Timed(c.session(), "SELECT count(*) FROM flights a, flights b, flights c");
  canceller.join();
  CHECK(o.sqlstate == "57014");
  CHECK(o.message == "canceling statement due to user request");
  // A cancel with nothing running cancels nothing.
  c.session().Cancel();
  CHECK(FormatRows(Run(c.session(), "SELECT count(*) FROM flights"), c.cluster().dialect()) ==
        "5000\n");
}

TEST_CASE("closing a route early (LIMIT reached) stops its shards") {
  TestCluster c(4);
  MakeBig(c.session(), 4);  // 40,000 rows, about 10,000 a shard
  // With the limit kept in the router, each shard would stream all its rows; the router stops
  // them after a couple of batches instead.
  Run(c.session(), "SET disabled_rules = 'PushLimitToShards'");
  for (const char* sql : {"EXPLAIN ANALYZE SELECT k FROM big LIMIT 3",
                          "EXPLAIN ANALYZE SELECT k FROM big ORDER BY k LIMIT 3"}) {
    INFO(sql);
    std::vector<int64_t> fetched = FetchedPerShard(Run(c.session(), sql));
    REQUIRE(!fetched.empty());
    for (int64_t rows : fetched)
      CHECK(rows < 8000);
  }
}

TEST_CASE("a shard failing while the others stream fails the statement, naming the shard") {
  TestCluster c(4);
  MakeBig(c.session(), 2);
  auto table = c.cluster().catalog().Snapshot()->FindTable("big");
  int64_t key = 12345;
  std::string shard =
      table->shards()[ShardIndexOfKey(Value::Integer(key), *table, c.cluster().dialect())];
  for (bool ordered : {false, true}) {
    // Integer overflow on one row of one shard, after the others have sent rows.
    std::string sql = fmt::format(
        "SELECT CASE WHEN k = {} THEN abs(-9223372036854775807 - 1) ELSE k END FROM big{}", key,
        ordered ? " ORDER BY 1" : "");
    Outcome o = Timed(c.session(), sql);
    CHECK(o.sqlstate == "22003");
    CHECK(o.shard == shard);
    CHECK(o.message.find("integer overflow") != std::string::npos);
  }
  // Every connection came back: all of them can be used again, many times over.
  for (int i = 0; i < 40; ++i)
    Run(c.session(), "SELECT count(*) FROM big");
  CHECK(FormatRows(Run(c.session(), "SELECT count(*) FROM big"), c.cluster().dialect()) ==
        "20000\n");
}

TEST_CASE("an exception in shard work is the statement's error, not the end of the process") {
  // Four real SQLite shards; shard s2 throws from its cursors once armed.
  char dir[] = "/tmp/shardql-faulty-XXXXXX";
  std::string folder = mkdtemp(dir);
  std::vector<Shard> shards;
  ShardLayout layout;
  std::shared_ptr<ThrowingBackend> faulty;
  for (int i = 0; i < 4; ++i) {
    Shard shard;
    shard.name = fmt::format("s{}", i);
    auto real = std::make_shared<SqliteBackend>(shard.name, fmt::format("{}/s{}.db", folder, i));
    if (i == 2) {
      faulty = std::make_shared<ThrowingBackend>(real, 1);
      shard.backend = faulty;
    } else {
      shard.backend = real;
    }
    shard.pool = std::make_unique<ConnectionPool>(shard.backend);
    layout.shards.push_back(shard.name);
    shards.push_back(std::move(shard));
  }
  {
    Cluster cluster(BackendKind::kSqlite, std::make_unique<SqliteDialect>(), std::move(shards),
                    std::make_unique<Catalog>(), layout, 2);
    Session session(cluster);
    MakeBig(session, 2);
    auto table = cluster.catalog().Snapshot()->FindTable("big");
    int64_t on_s2 = 0;
    while (table->shards()[ShardIndexOfKey(Value::Integer(on_s2), *table, cluster.dialect())] !=
           "s2") {
      ++on_s2;
    }
    faulty->armed = true;
    // Shard work on the worker pool, and a one-shard route read on the statement's thread.
    for (std::string sql :
         {std::string("SELECT k FROM big"), fmt::format("SELECT k FROM big WHERE k = {}", on_s2)}) {
      INFO(sql);
      Outcome o = Timed(session, sql);
      CHECK(o.sqlstate == "XX000");
      CHECK(o.message.find("injected fault") != std::string::npos);
    }
    faulty->armed = false;
    CHECK(FormatRows(Run(session, "SELECT count(*) FROM big"), cluster.dialect()) == "20000\n");
  }
  std::filesystem::remove_all(folder);
}

TEST_CASE("one bounded worker pool serves every session") {
  TestCluster c(4);
  MakeBig(c.session(), 1);
  size_t threads = c.cluster().workers().threads();
  CHECK(threads == WorkerPool::DefaultSize());
  // Sixteen sessions, each scattering to four shards (and k-way merging them) at once: the pool
  // does not grow, and every session gets its exact answer.
  std::vector<std::thread> clients;
  std::atomic<int> right{0};
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&, i] {
      Session session(c.cluster());
      std::string sql =
          i % 2 ? "SELECT count(*), sum(k) FROM big" : "SELECT k FROM big ORDER BY k DESC LIMIT 1";
      std::string expected = i % 2 ? "10000 | 49995000\n" : "9999\n";
      for (int round = 0; round < 5; ++round) {
        if (FormatRows(Run(session, sql), c.cluster().dialect()) == expected) ++right;
      }
    });
  }
  for (std::thread& t : clients)
    t.join();
  CHECK(right == 16 * 5);
  CHECK(c.cluster().workers().threads() == threads);
}

TEST_CASE("a transaction's pinned connection serves one lease at a time") {
  TestCluster c(2);
  MakeBig(c.session(), 1);
  SUBCASE("two branches of one statement on the same shards, in one transaction") {
    Run(c.session(), "BEGIN");
    CHECK(
        FormatRows(Run(c.session(),
                       "SELECT count(*) FROM (SELECT k FROM big UNION ALL SELECT k FROM big) AS u"),
                   c.cluster().dialect()) == "20000\n");
    CHECK(FormatRows(Run(c.session(),
                         "SELECT k FROM big WHERE k < 2 UNION ALL SELECT k FROM big "
                         "WHERE k < 2 ORDER BY 1"),
                     c.cluster().dialect()) == "0\n0\n1\n1\n");
    Run(c.session(), "COMMIT");
  }
  SUBCASE("a second lease waits for the first") {
    ShardTransaction transaction(c.cluster(), false);
    BackendStatus status;
    ConnectionLease first = transaction.Lease(0, status);
    REQUIRE(first);
    std::atomic<bool> second_got{false};
    std::thread other([&] {
      BackendStatus s;
      ConnectionLease second = transaction.Lease(0, s);
      second_got = static_cast<bool>(second);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(second_got.load());  // still waiting: the first lease has the connection
    first.Release();
    other.join();
    CHECK(second_got.load());
  }
}
