// Golden tests for binding, plan printing, routing and EXPLAIN, over a real cluster of SQLite
// shards. Commands:
//   cluster [shards=N]   a fresh cluster (4 shards unless said)
//   exec                 run statements; prints their command tags
//   plan [ids]           bind a statement and print its logical plan (`ids`: columns as name#id
//                        and each node's output columns, for before/after trees)
//   explain              the distributed plan (what EXPLAIN prints)
//   query [rowsort]      run a query and print its rows
//   trace                the rules and distribution steps a statement's planning tried, each
//                        with its outcome and reason (estimated costs shown as `cost …`, so a
//                        recalibration of the cost model does not rewrite every file;
//                        SHARDQL_TRACE_COSTS=1 in the environment shows them)
// A case whose statement fails prints the error (SQLSTATE, message, caret); it must say `error`.
// Directives on explain, query and exec cases:
//   disable=A,B     run with SET disabled_rules = 'A,B'
//   expect=A,B      each named rule or distribution step must fire in the statement's plan
//   expect-not=A,B  none of them may fire

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <regex>

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
    Session& session = cluster_->session();
    session.Set("disabled_rules", t.ArgValue("disable"));
    struct ResetRules {
      Session& session;
      ~ResetRules() { session.Reset("disabled_rules"); }
    } reset{session};
    try {
      CheckRuleDirectives(t);
      if (t.command == "exec") {
        QueryResult r = Run(session, t.input);
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
        plan::LogicalPlan plan = Bind(*parsed[0], t.input, cluster_->cluster().catalog().Snapshot(),
                                      cluster_->cluster().dialect());
        PlanPrintOptions options;
        options.column_ids = t.HasArg("ids");
        return PrintPlan(plan, options);
      }
      if (t.command == "explain") {
        QueryResult r = Run(session, "EXPLAIN (COSTS OFF) " + t.input);
        std::string out;
        for (const auto& row : r.rows)
          out += std::string(row[0].text()) + "\n";
        return out;
      }
      if (t.command == "trace") {
        std::optional<PlanLookup> lookup = session.PlanFor(t.input);
        REQUIRE_MESSAGE(lookup, "trace needs one SELECT / INSERT / UPDATE / DELETE");
        static const std::regex costs("cost [0-9.e+-]+ → [0-9.e+-]+");
        std::string out;
        for (const TraceEntry& e : lookup->plan->trace.entries()) {
          out += fmt::format("{} {}: {}\n", e.name, ToString(e.outcome),
                             getenv("SHARDQL_TRACE_COSTS")
                                 ? e.message
                                 : std::regex_replace(e.message, costs, "cost …"));
        }
        return out;
      }
      if (t.command == "query") {
        QueryResult r = Run(session, t.input);
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
  static std::vector<std::string> Names(const std::string& list) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < list.size()) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      out.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  }

  // expect= / expect-not=: what fired, from the plan the statement runs with.
  void CheckRuleDirectives(const TestCase& t) {
    if (!t.HasArg("expect") && !t.HasArg("expect-not")) return;
    std::optional<PlanLookup> lookup = cluster_->session().PlanFor(t.input);
    REQUIRE_MESSAGE(lookup, "expect= needs one SELECT / INSERT / UPDATE / DELETE");
    const RuleTrace& trace = lookup->plan->trace;
    std::string fired;
    for (const TraceEntry& e : trace.entries())
      fired += fmt::format(" {}({})", e.name, ToString(e.outcome));
    for (const std::string& name : Names(t.ArgValue("expect"))) {
      CHECK_MESSAGE(trace.Fired(name),
                    t.file << ":" << t.line << ": " << name << " did not fire; trace:" << fired);
    }
    for (const std::string& name : Names(t.ArgValue("expect-not"))) {
      CHECK_MESSAGE(!trace.Fired(name),
                    t.file << ":" << t.line << ": " << name << " fired; trace:" << fired);
    }
  }

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

TEST_CASE("golden: rewrite rules") {
  GoldenRunner runner;
  RunDataDrivenDir(GoldenDir("rules"), [&](const TestCase& t) { return runner.Handle(t); });
}

TEST_CASE("golden: routing and EXPLAIN") {
  GoldenRunner runner;
  RunDataDrivenDir(GoldenDir("distribute"), [&](const TestCase& t) { return runner.Handle(t); });
}
