// Side-by-side measurements of shardql against one plain SQLite file holding the same rows.
//
//   cluster_bench [--rows N] [--dir DIR] [--rounds R] [aggregate] [orderby] [point]
//
//   aggregate  scan + aggregate over N rows: 4 shards through shardql vs one SQLite file; the
//              ratio of medians, rounds alternating A/B/A/B.
//   orderby    ORDER BY over N rows from 4 shards, streamed to a counting sink: merged rows per
//              second and the process's peak RSS during the query (reset before it).
//   point      a point SELECT routed to one shard vs the same SELECT on that shard's file: the
//              added time per query, warm, median of many.
//   writes     what crash safety costs writes: INSERTs of 500 rows (every shard) and of one row,
//              through shardql with its commit record (a catalog file) and without (an in-memory
//              catalog, no record), and on one SQLite file; rounds alternate the three.
//
// The data (N rows in 4 shard files and in one single file) is built once in DIR and reused.

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "executor/cluster.h"
#include "executor/session.h"
#include "grammar/sql_error.h"
#include "planner/hash_ring.h"
#include "planner/shard_pruning.h"

using namespace shardql;
using Clock = std::chrono::steady_clock;

namespace {

size_t rows = 1000000;
std::string dir = "/tmp/shardql-bench";
int rounds = 7;

const char* kCreate =
    "CREATE TABLE t (k INTEGER PRIMARY KEY, g INTEGER, v REAL, s TEXT) DISTRIBUTE BY HASH (k)";

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

ClusterSpec Spec() {
  ClusterSpec spec;
  spec.catalog_path = dir + "/catalog.db";
  for (int i = 0; i < 4; ++i) {
    spec.shards.push_back(
        {fmt::format("s{}", i), BackendKind::kSqlite, fmt::format("{}/s{}.db", dir, i)});
  }
  return spec;
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

// The row k, the same in the single file and in the shards.
void BindRow(sqlite3_stmt* stmt, int64_t k) {
  uint64_t h = StableHash(std::to_string(k));
  sqlite3_bind_int64(stmt, 1, k);
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(h % 64));
  sqlite3_bind_double(stmt, 3, static_cast<double>(h % 100000) / 100.0);
  std::string s = fmt::format("name-{:08x}", h & 0xffffffff);
  sqlite3_bind_text(stmt, 4, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

// Builds the single file and the sharded cluster (rows placed by the table's own ring) once.
void Prepare() {
  std::string marker = dir + fmt::format("/ready-{}", rows);
  if (std::filesystem::exists(marker)) return;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::cerr << "building " << rows << " rows in " << dir << " (once)...\n";
  {
    std::unique_ptr<Cluster> cluster = Cluster::Open(Spec());
    Session session(*cluster);
    ResultSink sink;
    session.Execute(kCreate, sink);
  }
  std::unique_ptr<Cluster> cluster = Cluster::Open(Spec());
  auto table = cluster->catalog().Snapshot()->FindTable("t");
  std::vector<sqlite3*> shards(4);
  std::vector<sqlite3_stmt*> inserts(4);
  for (int i = 0; i < 4; ++i) {
    sqlite3_open(Spec().shards[i].location.c_str(), &shards[i]);
    Exec(shards[i], "PRAGMA journal_mode=WAL; BEGIN");
    sqlite3_prepare_v2(shards[i], "INSERT INTO t VALUES (?1, ?2, ?3, ?4)", -1, &inserts[i],
                       nullptr);
  }
  sqlite3* single = nullptr;
  sqlite3_open((dir + "/single.db").c_str(), &single);
  Exec(
      single,
      "PRAGMA journal_mode=WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, g INTEGER, v REAL, s TEXT); "
      "BEGIN");
  sqlite3_stmt* insert_single = nullptr;
  sqlite3_prepare_v2(single, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)", -1, &insert_single, nullptr);
  for (size_t k = 1; k <= rows; ++k) {
    BindRow(insert_single, static_cast<int64_t>(k));
    sqlite3_step(insert_single);
    sqlite3_reset(insert_single);
    uint32_t shard =
        ShardIndexOfKey(Value::Integer(static_cast<int64_t>(k)), *table, cluster->dialect());
    size_t index = cluster->ShardIndex(table->shards()[shard]);
    BindRow(inserts[index], static_cast<int64_t>(k));
    sqlite3_step(inserts[index]);
    sqlite3_reset(inserts[index]);
  }
  sqlite3_finalize(insert_single);
  Exec(single, "COMMIT");
  sqlite3_close(single);
  for (int i = 0; i < 4; ++i) {
    sqlite3_finalize(inserts[i]);
    Exec(shards[i], "COMMIT");
    sqlite3_close(shards[i]);
  }
  std::ofstream(marker) << "ok\n";
}

class CountingSink : public ResultSink {
 public:
  void Rows(const RowBatch& batch) override { rows += batch.rows(); }
  size_t rows = 0;
};

double TimeShardql(Session& session, const std::string& sql, size_t* count = nullptr) {
  CountingSink sink;
  auto start = Clock::now();
  session.Execute(sql, sink);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (count) *count = sink.rows;
  return ms;
}

double TimeSqlite(sqlite3* db, const std::string& sql, size_t* count = nullptr) {
  auto start = Clock::now();
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  size_t n = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_TEXT) sqlite3_column_text(stmt, c);
    }
    ++n;
  }
  sqlite3_finalize(stmt);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (count) *count = n;
  return ms;
}

void Aggregate(Session& session, sqlite3* single) {
  const std::string sql =
      "SELECT g, count(*), sum(v), avg(v), max(s) FROM t WHERE s LIKE '%a%' GROUP BY g";
  std::vector<double> a, b;
  TimeSqlite(single, sql);  // warm both
  TimeShardql(session, sql);
  for (int r = 0; r < rounds; ++r) {
    a.push_back(TimeSqlite(single, sql));
    b.push_back(TimeShardql(session, sql));
  }
  double one = Median(a), four = Median(b);
  std::cout << fmt::format(
      "aggregate  {}\n  one SQLite file  {:8.1f} ms (median of {})\n  shardql, 4 shards"
      "{:8.1f} ms\n  speed-up         {:8.2f}x   (target >= 1.70x)\n",
      sql, one, rounds, four, one / four);
}

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

long RssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

void OrderBy(Session& session, sqlite3* single) {
  const std::string sql = "SELECT k, v, s FROM t ORDER BY v, k";
  std::vector<double> merged, direct;
  long peak = 0, before = 0;
  size_t count = 0;
  for (int r = 0; r < rounds; ++r) {
    direct.push_back(TimeSqlite(single, sql));
    // Reset the peak-RSS mark, so VmHWM measures this query alone.
    std::ofstream("/proc/self/clear_refs") << "5";
    before = RssKb();
    merged.push_back(TimeShardql(session, sql, &count));
    peak = std::max(peak, PeakRssKb());
  }
  double ms = Median(merged);
  std::cout << fmt::format(
      "orderby    {}\n  rows merged      {}\n  shardql, 4 shards{:8.1f} ms   {:.2f} M rows/s "
      "(target >= 1 M rows/s)\n  one SQLite file  {:8.1f} ms   {:.2f} M rows/s\n"
      "  peak RSS         {:8.1f} MB   (RSS before the query {:.1f} MB; target < 64 MB)\n",
      sql, count, ms, static_cast<double>(count) / ms / 1000.0, Median(direct),
      static_cast<double>(count) / Median(direct) / 1000.0, peak / 1024.0, before / 1024.0);
}

void Point(Session& session, Cluster& cluster) {
  // Key 1008's shard file, opened directly.
  auto table = cluster.catalog().Snapshot()->FindTable("t");
  uint32_t shard = ShardIndexOfKey(Value::Integer(1008), *table, cluster.dialect());
  std::string path = Spec().shards[cluster.ShardIndex(table->shards()[shard])].location;
  sqlite3* direct = nullptr;
  sqlite3_open_v2(path.c_str(), &direct, SQLITE_OPEN_READWRITE, nullptr);
  const std::string sql = "SELECT k, g, v, s FROM t WHERE k = 1008";
  const int per_sample = 2000;
  auto sample = [&](auto&& run) {
    auto start = Clock::now();
    for (int i = 0; i < per_sample; ++i)
      run();
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / per_sample;
  };
  sqlite3_stmt* prepared = nullptr;
  sqlite3_prepare_v2(direct, sql.c_str(), -1, &prepared, nullptr);
  std::vector<double> a, b, c;
  for (int r = 0; r < rounds + 2; ++r) {
    double x = sample([&] { TimeSqlite(direct, sql); });
    double y = sample([&] { TimeShardql(session, sql); });
    double z = sample([&] {
      sqlite3_reset(prepared);
      while (sqlite3_step(prepared) == SQLITE_ROW)
        sqlite3_column_text(prepared, 3);
    });
    if (r >= 2) {  // the first rounds warm caches
      a.push_back(x);
      b.push_back(y);
      c.push_back(z);
    }
  }
  sqlite3_finalize(prepared);
  sqlite3_close(direct);
  std::cout << fmt::format(
      "point      {}\n  shard file, prepared each time {:7.2f} us\n  shard file, prepared once"
      "       {:7.2f} us\n  shardql                        {:7.2f} us\n  added by shardql          "
      "   "
      "  {:7.2f} us   (target < 20 us; against a statement prepared once: {:.2f} us)\n",
      sql, Median(a), Median(c), Median(b), Median(b) - Median(a), Median(b) - Median(c));
}

// Time per statement of `statements`, run on a fresh table in each of the three stores, rounds
// alternating; keys never repeat across rounds.
void Writes() {
  std::string root = dir + "/writes";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  auto spec = [&](const std::string& name, bool catalog_file) {
    ClusterSpec s;
    if (catalog_file) s.catalog_path = root + "/" + name + ".catalog.db";
    for (int i = 0; i < 4; ++i) {
      s.shards.push_back({fmt::format("s{}", i), BackendKind::kSqlite,
                          fmt::format("{}/{}-s{}.db", root, name, i)});
    }
    return s;
  };
  const char* create = "CREATE TABLE w (k INTEGER PRIMARY KEY, g INTEGER, s TEXT)";
  std::unique_ptr<Cluster> recorded = Cluster::Open(spec("recorded", true));
  std::unique_ptr<Cluster> unrecorded = Cluster::Open(spec("unrecorded", false));
  Session with_record(*recorded), without_record(*unrecorded);
  ResultSink discard;
  with_record.Execute(std::string(create) + " DISTRIBUTE BY HASH (k)", discard);
  without_record.Execute(std::string(create) + " DISTRIBUTE BY HASH (k)", discard);
  sqlite3* single = nullptr;
  sqlite3_open((root + "/single.db").c_str(), &single);
  Exec(single, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  Exec(single, create);

  int64_t next_key = 1;
  auto statement = [&](size_t rows) {
    std::string sql = "INSERT INTO w VALUES ";
    for (size_t i = 0; i < rows; ++i, ++next_key)
      sql += fmt::format("{}({}, {}, 'row {}')", i ? ", " : "", next_key, next_key % 64, next_key);
    return sql;
  };
  for (size_t rows : {size_t{500}, size_t{1}}) {
    const int per_round = rows == 1 ? 400 : 40;
    std::vector<double> a, b, c;
    for (int r = 0; r < rounds + 1; ++r) {
      std::vector<std::string> batch;
      for (int i = 0; i < per_round; ++i)
        batch.push_back(statement(rows));
      auto time = [&](auto&& run) {
        auto start = Clock::now();
        for (const std::string& sql : batch)
          run(sql);
        return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / per_round;
      };
      // The three stores are separate databases: each takes the same statements.
      double x = time([&](const std::string& sql) { Exec(single, sql); });
      double y = time([&](const std::string& sql) { with_record.Execute(sql, discard); });
      double z = time([&](const std::string& sql) { without_record.Execute(sql, discard); });
      if (r >= 1) {  // the first round warms caches
        a.push_back(x);
        b.push_back(y);
        c.push_back(z);
      }
    }
    std::cout << fmt::format(
        "writes     INSERT of {} row(s) per statement{}\n  one SQLite file              {:9.1f} "
        "us\n  shardql, no commit record    {:9.1f} us\n  shardql, commit record       "
        "{:9.1f} us   (the record costs {:+.0f}%)\n",
        rows, rows == 1 ? " (one shard: no record is needed)" : " (every shard)", Median(a),
        Median(c), Median(b), (Median(b) / Median(c) - 1) * 100);
  }
  sqlite3_close(single);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> what;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      rows = std::stoul(argv[++i]);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::stoi(argv[++i]);
    } else {
      what.push_back(a);
    }
  }
  if (what.empty()) what = {"aggregate", "orderby", "point"};
  try {
    Prepare();
    std::unique_ptr<Cluster> cluster = Cluster::Open(Spec());
    Session session(*cluster);
    sqlite3* single = nullptr;
    sqlite3_open_v2((dir + "/single.db").c_str(), &single, SQLITE_OPEN_READWRITE, nullptr);
    std::cout << fmt::format("{} rows; {} cores; rounds alternate one file / shardql\n", rows,
                             sysconf(_SC_NPROCESSORS_ONLN));
    for (const std::string& w : what) {
      if (w == "aggregate") Aggregate(session, single);
      if (w == "orderby") OrderBy(session, single);
      if (w == "point") Point(session, *cluster);
      if (w == "writes") Writes();
    }
    sqlite3_close(single);
  } catch (const SqlError& e) {
    std::cerr << FormatError(e, "") << "\n";
    return 1;
  }
  return 0;
}
