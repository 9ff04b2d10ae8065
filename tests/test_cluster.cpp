#include "tests/test_cluster.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <stdexcept>

#include "executor/cluster_check.h"
#include "grammar/sql_error.h"

namespace shardql::testing {

TempFolder::TempFolder() {
  char name[] = "/tmp/shardql-test-XXXXXX";
  const char* dir = mkdtemp(name);
  if (!dir) throw std::runtime_error("cannot create a temporary folder");
  path = dir;
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

TestCluster::TestCluster(size_t shards, bool persistent_catalog) {
  char dir_template[] = "/tmp/shardql-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) throw std::runtime_error("cannot create a temporary folder");
  folder_ = dir;
  if (persistent_catalog) spec_.catalog_path = folder_ + "/catalog.db";
  for (size_t i = 0; i < shards; ++i) {
    spec_.shards.push_back(
        {fmt::format("s{}", i), BackendKind::kSqlite, fmt::format("{}/s{}.db", folder_, i)});
  }
  cluster_ = Cluster::Open(spec_);
  session_ = std::make_unique<Session>(*cluster_);
}

TestCluster::~TestCluster() {
  session_.reset();
  // Every test that writes leaves shards that agree with the catalog and each other.
  if (cluster_ && check_at_end_ && std::uncaught_exceptions() == 0) {
    try {
      CheckReport report = CheckCluster(*cluster_, false);
      std::string problems;
      for (const std::string& p : report.problems)
        problems += "\n  " + p;
      CHECK_MESSAGE(report.problems.empty(), "shardql check at the end of the test:" << problems);
    } catch (const SqlError& e) {
      FAIL_CHECK("shardql check at the end of the test failed: " << e.what());
    }
  }
  cluster_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

void TestCluster::Restart() {
  session_.reset();
  cluster_.reset();
  cluster_ = Cluster::Open(spec_);
  session_ = std::make_unique<Session>(*cluster_);
}

QueryResult Run(Session& session, const std::string& sql, const std::vector<Value>& params) {
  QueryResult result;
  CollectingSink sink(result);
  session.Execute(sql, sink, params);
  return result;
}

std::string SqlstateOf(Session& session, const std::string& sql) {
  try {
    Run(session, sql);
  } catch (const SqlError& e) {
    return e.sqlstate();
  }
  return "ok";
}

std::string FormatRows(const QueryResult& result, const Dialect& dialect) {
  std::string out;
  for (const auto& row : result.rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line +=
          (c ? " | " : "") + (row[c].is_null() ? std::string("NULL") : dialect.FormatValue(row[c]));
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace shardql::testing
