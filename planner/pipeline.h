#pragma once
// The one planning pipeline (DESIGN.md): a statement becomes its bound plan, the rewrite rules
// run over it (traced), and the distributor cuts the result into routes and a merge tree — for
// reads and writes alike. Execution, EXPLAIN, EXPLAIN ANALYZE, prepared statements and the
// review tool all plan through PlanStatement; the plan cache in front of it hands out exactly
// what it returned, so what EXPLAIN prints is what runs.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "planner/binder.h"
#include "planner/catalog.h"
#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"
#include "planner/planner_settings.h"
#include "planner/rule_trace.h"

namespace shardql {

// What a plan depends on besides the statement.
struct PlanningContext {
  std::shared_ptr<const CatalogSnapshot> catalog;
  const SessionViews* session_views = nullptr;
  const Dialect* dialect = nullptr;
  const PlannerSettings* settings = nullptr;
  // The parameters' values when they are known at planning time (literals the plan cache made
  // parameters, a portal's bound values): routing is decided from them, and the plan is for
  // values that route alike (DistributedPlan::guard).
  const std::vector<Value>* param_values = nullptr;
  // What now(), current_date ... read: the session's transaction start (the wall clock if unset).
  std::optional<temporal::StatementClock> clock;
};

struct PlannedStatement {
  ast::StatementKind kind = ast::StatementKind::kSelect;
  uint64_t catalog_version = 0;
  std::string settings_key;  // PlannerSettings::CacheKey() of the settings it was planned with
  std::vector<plan::OutputColumn> output;  // empty for INSERT / UPDATE / DELETE
  uint32_t param_count = 0;
  std::vector<ExprType> param_types;  // $1 first; what a wire protocol describes them as
  bool reads_clock = false;           // for this execution only: never cached
  // The plan as the binder made it, kept only when the rules changed it.
  std::optional<plan::LogicalPlan> bound;
  // After the rules: the plan the distributor cut.
  plan::LogicalPlan logical;
  RuleTrace trace;
  // What runs: routes under a merge tree (SELECT), or a write plan.
  DistributedPlan distributed;
};

// Plans one SELECT / INSERT / UPDATE / DELETE (IsBindable). Throws SqlError.
std::shared_ptr<PlannedStatement> PlanStatement(const ast::Statement& statement,
                                                std::string_view text,
                                                const PlanningContext& context);

// The names SET disabled_rules accepts: the rewrite rules, then the distribution steps.
std::vector<std::string> OptimizationNames();

}  // namespace shardql
