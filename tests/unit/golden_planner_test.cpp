// Golden tests for binding, plan printing, routing and EXPLAIN, over a real cluster of SQLite
// shards. Commands:
//   cluster [shards=N]   a fresh cluster (4 shards unless said)
//   exec                 run statements; prints their command tags
//   plan [ids]           bind a statement and print its logical plan (`ids`: columns as name#id
//                        and each node's output columns, for before/after trees)
//   explain              the distributed plan (what EXPLAIN prints)
//   query [rowsort]      run a query and print its rows
// A case whose statement fails prints the error (SQLSTATE, message, caret); it must say `error`.

#include <doctest/doctest.h>

#include <memory>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/binder.h"
#include "planner/plan_printer.h"
#include "tests/datadriven.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

class GoldenRunner {
 public:
  CaseResult Handle(const TestCase& t) {
    if (t.command == "cluster") {
      cluster_ = std::make_unique<TestCluster>(std::stoul(t.ArgValue("shards", "4")));
      return "ok";
    }
    if (!cluster_) cluster_ = std::make_unique<TestCluster>(4);
    try {
      if (t.command == "exec") {
        QueryResult r = Run(cluster_->session(), t.input);
        std::string out;
        for (const std::string& n : r.notices)
          out += n + "\n";
        for (const std::string& tag : r.tags)
          out += tag + "\n";
        return out;
      }
      if (t.command == "plan") {
        std::vector<ast::StatementPtr> parsed = ParseSql(t.input);
        REQUIRE(parsed.size() == 1);
        plan::LogicalPlan plan =
            Bind(*parsed[0], t.input, cluster_->cluster().catalog().Snapshot());
        PlanPrintOptions options;
        options.column_ids = t.HasArg("ids");
        return PrintPlan(plan, options);
      }
      if (t.command == "explain") {
        QueryResult r = Run(cluster_->session(), "EXPLAIN " + t.input);
        std::string out;
        for (const auto& row : r.rows)
          out += std::string(row[0].text()) + "\n";
        return out;
      }
      if (t.command == "query") {
        QueryResult r = Run(cluster_->session(), t.input);
        if (t.HasArg("rowsort"))
          std::sort(r.rows.begin(), r.rows.end(), [&](const auto& a, const auto& b) {
            return FormatRowKey(a) < FormatRowKey(b);
          });
        return FormatRows(r, cluster_->cluster().dialect());
      }
      return CaseResult::UnknownCommand(t);
    } catch (const SqlError& e) {
      return CaseResult::Error(FormatError(e, t.input));
    }
  }

 private:
  std::string FormatRowKey(const std::vector<Value>& row) {
    std::string key;
    for (const Value& v : row)
      key += v.DebugString() + "\x01";
    return key;
  }
  std::unique_ptr<TestCluster> cluster_;
};

}  // namespace

TEST_CASE("golden: bind and logical plans") {
  GoldenRunner runner;
  RunDataDrivenDir(GoldenDir("bind"), [&](const TestCase& t) { return runner.Handle(t); });
}

TEST_CASE("golden: routing and EXPLAIN") {
  GoldenRunner runner;
  RunDataDrivenDir(GoldenDir("distribute"), [&](const TestCase& t) { return runner.Handle(t); });
}
