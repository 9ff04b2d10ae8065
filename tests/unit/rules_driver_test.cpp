// The rule driver applies every rule of a registry the same way: a disabled rule is skipped and
// traced as such, a rejected one leaves the plan alone with its reason, a fired one replaces the
// node when the cost model finds it cheaper, and the plan is verified after it. Tested with rules
// of the test's own.

#include <doctest/doctest.h>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/binder.h"
#include "planner/plan_printer.h"
#include "planner/plan_verifier.h"
#include "rules/driver.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

bool IsConstantTrue(const plan::Expr& e) {
  return e.kind == plan::ExprKind::kConstant && e.value.kind() == Value::Kind::kInteger &&
         e.value.integer() == 1;
}

// Filter[1] over X => X.
class DropTrueFilter : public rules::Rule {
 public:
  const char* Name() const override { return "DropTrueFilter"; }
  const char* Rationale() const override { return "a filter that is always true does nothing"; }
  bool Match(const plan::PlanNode& node) const override {
    return node.kind == plan::NodeKind::kFilter;
  }
  plan::PlanPtr Apply(plan::PlanPtr& node, rules::RuleContext&,
                      std::string& message) const override {
    if (!IsConstantTrue(*node->Cast<plan::FilterNode>().predicate)) {
      message = "the predicate is not the constant 1";
      return nullptr;
    }
    message = "dropped WHERE 1";
    return std::move(node->children[0]);
  }
};

// Filter[p] over X => Filter[a = 5] over X: not an equivalence (a test of the driver only), but a
// rewrite the cost model must find cheaper: the filter pins the shard key to one shard.
class PinKey : public rules::Rule {
 public:
  const char* Name() const override { return "PinKey"; }
  const char* Rationale() const override { return "a test rule that reads one shard"; }
  bool Match(const plan::PlanNode& node) const override {
    return node.kind == plan::NodeKind::kFilter;
  }
  plan::PlanPtr Apply(plan::PlanPtr& node, rules::RuleContext&,
                      std::string& message) const override {
    auto& filter = node->Cast<plan::FilterNode>();
    const plan::Expr& column =
        filter.predicate->children.at(0) ? *filter.predicate->children[0] : *filter.predicate;
    if (column.kind != plan::ExprKind::kColumn ||
        filter.predicate->binary_op == ast::BinaryOp::kEq) {
      message = "already pinned";
      return nullptr;
    }
    filter.predicate = plan::MakeBinary(ast::BinaryOp::kEq, column.Clone(),
                                        plan::MakeConstant(Value::Integer(5), "5"));
    message = "pinned a to 5";
    return std::move(node);
  }
};

// Breaks the plan it touches: a rule with a bug, which the driver's verification must catch.
class BreakProject : public rules::Rule {
 public:
  const char* Name() const override { return "BreakProject"; }
  const char* Rationale() const override { return "a buggy rule"; }
  bool Match(const plan::PlanNode& node) const override {
    return node.kind == plan::NodeKind::kProject;
  }
  plan::PlanPtr Apply(plan::PlanPtr& node, rules::RuleContext&, std::string&) const override {
    plan::PlanPtr copy = node->Clone();
    copy->outputs.pop_back();  // one output fewer than expressions
    return copy;
  }
};

const std::vector<rules::RuleEntry> kTestRules = {
    {"DropTrueFilter", [] { return std::unique_ptr<rules::Rule>(new DropTrueFilter); }},
};
const std::vector<rules::RuleEntry> kPinRules = {
    {"PinKey", [] { return std::unique_ptr<rules::Rule>(new PinKey); }},
};

plan::LogicalPlan BindSql(TestCluster& c, const std::string& sql) {
  std::vector<ast::StatementPtr> parsed = ParseSql(sql);
  return Bind(*parsed[0], sql, c.cluster().catalog().Snapshot(), c.cluster().dialect());
}

}  // namespace

TEST_CASE("the rule driver fires, rejects, skips disabled rules and verifies") {
  TestCluster c(2);
  Run(c.session(), "CREATE TABLE t (a INTEGER, b TEXT) DISTRIBUTE BY HASH (a)");
  auto snapshot = c.cluster().catalog().Snapshot();
  const Dialect& dialect = c.cluster().dialect();

  SUBCASE("fired: a cheaper node replaces the old, the trace says so with both costs") {
    plan::LogicalPlan p = BindSql(c, "SELECT a FROM t WHERE a > 1");
    RuleTrace trace;
    rules::ApplyRules(p, dialect, *snapshot, PlannerSettings{}, trace, nullptr, kPinRules);
    CHECK(PrintPlan(p) == "Project t.a\n└── Filter t.a = 5\n    └── Scan t");
    REQUIRE(trace.entries().size() == 2);  // the second pass finds it pinned
    CHECK(trace.Fired("PinKey"));
    CHECK(trace.entries()[0].message.starts_with("pinned a to 5 (cost "));
  }
  SUBCASE("a rewrite that is not cheaper is put back, the trace says why") {
    plan::LogicalPlan p = BindSql(c, "SELECT a FROM t WHERE 1");
    std::string before = PrintPlan(p);
    RuleTrace trace;
    rules::ApplyRules(p, dialect, *snapshot, PlannerSettings{}, trace, nullptr, kTestRules);
    CHECK(PrintPlan(p) == before);
    REQUIRE(trace.entries().size() == 1);
    CHECK(trace.entries()[0].outcome == TraceOutcome::kRejected);
    CHECK(trace.entries()[0].message.starts_with("dropped WHERE 1, but not cheaper: cost "));
  }
  SUBCASE("rejected: the plan stays, the reason is traced") {
    plan::LogicalPlan p = BindSql(c, "SELECT a FROM t WHERE a > 1");
    std::string before = PrintPlan(p);
    RuleTrace trace;
    rules::ApplyRules(p, dialect, *snapshot, PlannerSettings{}, trace, nullptr, kTestRules);
    CHECK(PrintPlan(p) == before);
    REQUIRE(trace.entries().size() == 1);
    CHECK(trace.entries()[0].outcome == TraceOutcome::kRejected);
    CHECK(trace.entries()[0].message == "the predicate is not the constant 1");
  }
  SUBCASE("disabled by name: skipped and traced") {
    plan::LogicalPlan p = BindSql(c, "SELECT a FROM t WHERE 1");
    std::string before = PrintPlan(p);
    PlannerSettings settings;
    settings.disabled_rules = {"DropTrueFilter"};
    RuleTrace trace;
    rules::ApplyRules(p, dialect, *snapshot, settings, trace, nullptr, kTestRules);
    CHECK(PrintPlan(p) == before);
    REQUIRE(trace.entries().size() == 1);
    CHECK(trace.entries()[0].outcome == TraceOutcome::kDisabled);
  }
  SUBCASE("a rule that breaks the plan is caught by the verification after it") {
    if (!plan::kVerifyPlans) return;  // release builds do not verify
    plan::LogicalPlan p = BindSql(c, "SELECT a FROM t");
    const std::vector<rules::RuleEntry> buggy = {
        {"BreakProject", [] { return std::unique_ptr<rules::Rule>(new BreakProject); }}};
    RuleTrace trace;
    CHECK_THROWS_AS(
        rules::ApplyRules(p, dialect, *snapshot, PlannerSettings{}, trace, nullptr, buggy),
        SqlError);
  }
}
