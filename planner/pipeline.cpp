#include "planner/pipeline.h"

#include <algorithm>

#include "planner/distribution_steps.h"
#include "planner/distributor.h"
#include "planner/plan_verifier.h"
#include "planner/write_planner.h"
#include "rules/driver.h"

namespace shardql {

std::shared_ptr<PlannedStatement> PlanStatement(const ast::Statement& statement,
                                                std::string_view text,
                                                const PlanningContext& context) {
  auto planned = std::make_shared<PlannedStatement>();
  planned->kind = statement.kind;
  planned->catalog_version = context.catalog->version();
  planned->settings_key = context.settings->CacheKey();
  plan::LogicalPlan logical =
      Bind(statement, text, context.catalog, *context.dialect, context.session_views,
           context.clock ? &*context.clock : nullptr);
  planned->output = logical.output;
  planned->param_count = logical.param_count;
  planned->param_types = logical.param_types;
  planned->reads_clock = logical.reads_clock;

  if (!rules::RuleRegistry().empty() && context.settings->enable_rewrites) {
    plan::LogicalPlan before = logical.Clone();
    rules::ApplyRules(logical, *context.dialect, *context.catalog, *context.settings,
                      planned->trace, context.param_values);
    bool changed =
        std::any_of(planned->trace.entries().begin(), planned->trace.entries().end(),
                    [](const TraceEntry& e) { return e.outcome == TraceOutcome::kFired; });
    if (changed) planned->bound = std::move(before);
  }

  planned->distributed = statement.kind == ast::StatementKind::kSelect
                             ? DistributeQuery(logical, *context.dialect, *context.settings,
                                               &planned->trace, context.param_values)
                             : DistributeWrite(logical, *context.dialect, *context.settings,
                                               &planned->trace, context.param_values);
  planned->logical = std::move(logical);
  return planned;
}

std::vector<std::string> OptimizationNames() {
  std::vector<std::string> names;
  for (const rules::RuleEntry& rule : rules::RuleRegistry())
    names.push_back(rule.name);
  for (const DistributionStep& step : DistributionSteps())
    names.push_back(step.name);
  return names;
}

}  // namespace shardql
