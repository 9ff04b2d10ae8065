// Parse + bind + plan, per statement, over a corpus of everyday statements (point selects, small
// joins, inserts, aggregates) and the TPC-H queries when ../shared/extern/tpch is present.
//   warm: Google Benchmark, the statement planned again and again in one process (median of 10
//         repetitions);
//   cold: the statement planned once in a fresh process (this binary re-runs itself per
//         statement), median of 7 processes.
// "Plan" is what happens before a shard is contacted: the logical plan and, for a query, the
// distributed plan with every shard's SQL rendered.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "backends/sqlite_dialect.h"
#include "executor/cluster.h"
#include "executor/session.h"
#include "grammar/parser.h"
#include "planner/binder.h"
#include "planner/catalog.h"
#include "planner/ddl.h"
#include "planner/distributor.h"

extern char** environ;

using namespace shardql;

namespace {

std::string tpch_dir = "../shared/extern/tpch";

// Named apart from the TPC-H tables, which load beside them.
const char* kSchema[] = {
    "CREATE TABLE sales (sale_id INTEGER PRIMARY KEY, sale_date TEXT, buyer_id INTEGER, "
    "amount REAL, note TEXT) DISTRIBUTE BY HASH (sale_id)",
    "CREATE TABLE buyer (buyer_id INTEGER PRIMARY KEY, name TEXT, zipcode TEXT, phone TEXT) "
    "DISTRIBUTE BY HASH (buyer_id)",
    "CREATE TABLE sale_items (sale_id INTEGER, item_num INTEGER, qty INTEGER, price REAL) "
    "DISTRIBUTE BY HASH (sale_id)",
    "CREATE TABLE state (code TEXT PRIMARY KEY, name TEXT) DISTRIBUTE BY REFERENCE",
};

std::vector<std::pair<std::string, std::string>> Corpus() {
  std::vector<std::pair<std::string, std::string>> corpus = {
      {"point_select", "SELECT * FROM sales WHERE sale_id = 1008"},
      {"point_select_param", "SELECT amount, note FROM sales WHERE sale_id = $1"},
      {"insert_one_row", "INSERT INTO sales VALUES (1, '2024-01-02', 104, 10.5, 'x')"},
      {"insert_ten_rows",
       "INSERT INTO sale_items VALUES (1,1,2,1.5),(1,2,1,2.5),(2,1,5,0.5),(2,2,1,9.0),(3,1,1,1.0),"
       "(3,2,2,2.0),(4,1,3,3.0),(5,1,4,4.0),(6,1,5,5.0),(7,1,6,6.0)"},
      {"update_by_key", "UPDATE sales SET amount = amount + 1 WHERE sale_id = 1008"},
      {"in_list", "SELECT * FROM sales WHERE sale_id IN (1001, 1002, 1003, 1004, 1005)"},
      {"colocated_join",
       "SELECT s.sale_id, i.qty FROM sales s JOIN sale_items i ON s.sale_id = i.sale_id WHERE "
       "s.sale_id = 1001"},
      {"reference_join",
       "SELECT b.name, st.name FROM buyer b JOIN state st ON st.code = b.zipcode WHERE "
       "b.buyer_id = 7"},
      {"join_general",
       "SELECT b.name, sum(s.amount) FROM sales s JOIN buyer b ON b.buyer_id = s.buyer_id "
       "GROUP BY b.name ORDER BY 2 DESC LIMIT 10"},
      {"group_by", "SELECT buyer_id, count(*), avg(amount) FROM sales GROUP BY buyer_id"},
      {"order_limit", "SELECT sale_id, amount FROM sales ORDER BY amount DESC LIMIT 20"},
  };
  std::error_code ignored;
  if (std::filesystem::exists(tpch_dir + "/queries/q01.sql", ignored)) {
    for (int q = 1; q <= 22; ++q) {
      std::ifstream in(fmt::format("{}/queries/q{:02}.sql", tpch_dir, q));
      std::stringstream text;
      text << in.rdbuf();
      std::string sql = text.str();
      while (!sql.empty() &&
             (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) {
        sql.pop_back();
      }
      corpus.push_back({fmt::format("tpch_q{:02}", q), sql});
    }
  }
  return corpus;
}

struct Planner {
  Planner() : catalog(std::make_unique<Catalog>()) {
    ShardLayout layout{{"s0", "s1", "s2", "s3"}, 64};
    auto add = [&](const std::string& sql) {
      std::vector<ast::StatementPtr> parsed = ParseSql(sql);
      for (const auto& stmt : parsed) {
        std::string_view text = sql;
        catalog->AddTable(BuildTableInfo(stmt->As<ast::CreateTableStatement>(), text, layout,
                                         DefaultDistribution::kHashFirstColumn, dialect));
      }
    };
    for (const char* sql : kSchema)
      add(sql);
    std::error_code ignored;
    if (std::filesystem::exists(tpch_dir + "/schema/dss.ddl", ignored)) {
      std::ifstream in(tpch_dir + "/schema/dss.ddl");
      std::stringstream text;
      text << in.rdbuf();
      add(text.str());
    }
  }

  // Everything before a shard is contacted. Returns something derived from the plan so the
  // compiler cannot drop the work.
  size_t Plan(const std::string& sql) {
    std::vector<ast::StatementPtr> parsed = ParseSql(sql);
    plan::LogicalPlan logical = Bind(*parsed[0], sql, catalog->Snapshot(), dialect);
    if (parsed[0]->kind != ast::StatementKind::kSelect) return logical.columns.size();
    DistributedPlan distributed = DistributeQuery(logical, dialect);
    return distributed.columns.size() + distributed.strategy.size();
  }

  SqliteDialect dialect;
  std::unique_ptr<Catalog> catalog;
};

// A real cluster of 4 SQLite shards in a temporary folder, with the corpus's tables, for the
// router-path benchmarks (which plan but never run).
struct TempCluster {
  TempCluster() {
    char dir_template[] = "/tmp/shardql-plan-bench-XXXXXX";
    folder = mkdtemp(dir_template);
    ClusterSpec spec;
    for (int i = 0; i < 4; ++i) {
      spec.shards.push_back(
          {fmt::format("s{}", i), BackendKind::kSqlite, fmt::format("{}/s{}.db", folder, i)});
    }
    cluster = Cluster::Open(spec);
    session = std::make_unique<Session>(*cluster);
    ResultSink sink;
    for (const char* sql : kSchema)
      session->Execute(sql, sink);
  }
  ~TempCluster() {
    session.reset();
    cluster.reset();
    std::filesystem::remove_all(folder);
  }
  std::string folder;
  std::unique_ptr<Cluster> cluster;
  std::unique_ptr<Session> session;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Child mode: plan one statement once, print the microseconds.
int ColdOne(const std::string& name) {
  Planner planner;  // catalog setup is not part of the measurement
  for (const auto& [n, sql] : Corpus()) {
    if (n != name) continue;
    auto start = std::chrono::steady_clock::now();
    size_t sink = planner.Plan(sql);
    double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    std::cout << us << " " << sink % 2 << "\n";
    return 0;
  }
  return 1;
}

double RunChild(const std::string& name) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipefd[0]);
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string dir_arg = "--tpch-dir=" + tpch_dir;
  char* argv[] = {self.data(), const_cast<char*>("--cold-one"), const_cast<char*>(name.c_str()),
                  dir_arg.data(), nullptr};
  pid_t pid;
  int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    return -1;
  }
  std::string out;
  char buffer[256];
  ssize_t n;
  while ((n = read(pipefd[0], buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return std::atof(out.c_str());
}

void ReportCold() {
  std::cout << "cold: parse+bind+plan of a statement as the first thing a fresh process does "
               "(median of 7 processes)\n";
  for (const auto& [name, sql] : Corpus()) {
    std::vector<double> runs;
    for (int i = 0; i < 7; ++i)
      runs.push_back(RunChild(name));
    std::cout << fmt::format("  {:<22} {:>10.1f} us\n", name, Median(runs));
  }
  std::cout << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  std::string cold_one;
  bool skip_cold = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--cold-one" && i + 1 < argc) {
      cold_one = argv[++i];
    } else if (a.rfind("--tpch-dir=", 0) == 0) {
      tpch_dir = a.substr(11);
    } else if (a == "--no-cold") {
      skip_cold = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  if (!cold_one.empty()) return ColdOne(cold_one);
  if (!skip_cold) ReportCold();

  static Planner planner;
  // Each phase of a point SELECT on its own: where the time goes.
  static const std::string point = "SELECT * FROM sales WHERE sale_id = 1008";
  benchmark::RegisterBenchmark("phase/parse/point_select",
                               [](benchmark::State& state) {
                                 for (auto _ : state)
                                   benchmark::DoNotOptimize(ParseSql(point));
                               })
      ->Unit(benchmark::kMicrosecond)
      ->Repetitions(10)
      ->ReportAggregatesOnly(true);
  benchmark::RegisterBenchmark(
      "phase/bind/point_select",
      [](benchmark::State& state) {
        std::vector<ast::StatementPtr> parsed = ParseSql(point);
        for (auto _ : state) {
          benchmark::DoNotOptimize(
              Bind(*parsed[0], point, planner.catalog->Snapshot(), planner.dialect));
        }
      })
      ->Unit(benchmark::kMicrosecond)
      ->Repetitions(10)
      ->ReportAggregatesOnly(true);
  benchmark::RegisterBenchmark(
      "phase/bind+distribute/point_select",
      [](benchmark::State& state) {
        std::vector<ast::StatementPtr> parsed = ParseSql(point);
        for (auto _ : state) {
          benchmark::DoNotOptimize(
              DistributeQuery(Bind(*parsed[0], point, planner.catalog->Snapshot(), planner.dialect),
                              planner.dialect));
        }
      })
      ->Unit(benchmark::kMicrosecond)
      ->Repetitions(10)
      ->ReportAggregatesOnly(true);
  // The router's own path: the statement normalised (literals to parameters) and its plan taken
  // from the plan cache. Each iteration uses a literal it has not seen, so the text differs.
  static TempCluster cluster;
  auto router_bench = [](const char* name, std::string head, std::string tail) {
    benchmark::RegisterBenchmark(name,
                                 [head, tail](benchmark::State& state) {
                                   int64_t i = 0;
                                   for (auto _ : state) {
                                     std::string sql =
                                         head + std::to_string(1000 + (i++ % 100000)) + tail;
                                     benchmark::DoNotOptimize(cluster.session->PlanFor(sql));
                                   }
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->Repetitions(10)
        ->ReportAggregatesOnly(true);
  };
  router_bench("router/point_select", "SELECT * FROM sales WHERE sale_id = ", "");
  router_bench("router/insert_one_row", "INSERT INTO sales VALUES (",
               ", '2024-01-02', 104, 10.5, 'x')");
  router_bench("router/update_by_key", "UPDATE sales SET amount = amount + 1 WHERE sale_id = ", "");
  for (const auto& [name, sql] : Corpus()) {
    benchmark::RegisterBenchmark(("warm/" + name).c_str(),
                                 [sql = sql](benchmark::State& state) {
                                   for (auto _ : state)
                                     benchmark::DoNotOptimize(planner.Plan(sql));
                                 })
        ->Unit(benchmark::kMicrosecond)
        ->Repetitions(10)
        ->ReportAggregatesOnly(true);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
