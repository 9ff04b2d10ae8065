// VerifyPlan finds the plan bugs a rewrite could introduce: a column read where no input
// produces it, outputs that do not follow the node's rule, a column produced twice.

#include <doctest/doctest.h>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/binder.h"
#include "planner/plan_verifier.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

plan::LogicalPlan BindSql(TestCluster& c, const std::string& sql) {
  std::vector<ast::StatementPtr> parsed = ParseSql(sql);
  return Bind(*parsed[0], sql, c.cluster().catalog().Snapshot(), c.cluster().dialect());
}

std::string Violation(const plan::LogicalPlan& plan) {
  try {
    plan::VerifyPlan(plan);
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == sqlstate::kInternalError);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("VerifyPlan accepts what the binder builds and refuses broken plans") {
  TestCluster c(2);
  Run(c.session(),
      "CREATE TABLE t (a INTEGER, b TEXT) DISTRIBUTE BY HASH (a);"
      "CREATE TABLE u (a INTEGER, c TEXT) DISTRIBUTE BY HASH (a);");

  SUBCASE("bound plans are valid, correlated subqueries included") {
    for (const char* sql :
         {"SELECT a, count(*) FROM t WHERE b > 'x' GROUP BY a HAVING count(*) > 1 ORDER BY 2",
          "SELECT * FROM t JOIN u ON t.a = u.a", "SELECT a FROM t UNION SELECT a FROM u",
          "SELECT a, (SELECT max(c) FROM u WHERE u.a = t.a) FROM t",
          "SELECT a, rank() OVER (ORDER BY b) FROM t LIMIT 3", "UPDATE t SET b = 'y' WHERE a = 1",
          "INSERT INTO t SELECT a, c FROM u", "DELETE FROM t WHERE a IN (SELECT a FROM u)"}) {
      INFO(sql);
      CHECK(Violation(BindSql(c, sql)).empty());
    }
  }

  SUBCASE("a filter reading a column its input does not produce") {
    plan::LogicalPlan p = BindSql(c, "SELECT a FROM t WHERE a > 1");
    // Project <- Filter <- Scan: point the filter at a column of nothing below it.
    plan::PlanNode& filter = *p.root->children[0];
    REQUIRE(filter.kind == plan::NodeKind::kFilter);
    plan::ColumnId stray = p.columns.Add({"stray", "", ExprType{}});
    filter.Cast<plan::FilterNode>().predicate->children[0]->column = stray;
    CHECK(Violation(p).find("Filter reads stray#") != std::string::npos);
  }

  SUBCASE("a join whose outputs are not left then right") {
    plan::LogicalPlan p = BindSql(c, "SELECT * FROM t JOIN u ON t.a = u.a");
    plan::PlanNode& join = *p.root->children[0];
    REQUIRE(join.kind == plan::NodeKind::kJoin);
    std::swap(join.outputs[0], join.outputs[1]);
    CHECK(Violation(p).find("Join does not output its left then its right") != std::string::npos);
  }

  SUBCASE("a projection producing one column twice") {
    plan::LogicalPlan p = BindSql(c, "SELECT a, b FROM t");
    p.root->outputs[1] = p.root->outputs[0];
    CHECK(Violation(p).find("Project produces") != std::string::npos);
  }

  SUBCASE("a sort that drops a column of its input") {
    plan::LogicalPlan p = BindSql(c, "SELECT a, b FROM t ORDER BY a");
    REQUIRE(p.root->kind == plan::NodeKind::kSort);
    p.root->outputs.pop_back();
    CHECK(Violation(p).find("Sort does not pass its input through") != std::string::npos);
  }
}
