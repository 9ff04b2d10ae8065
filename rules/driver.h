#pragma once
// The one driver that applies rewrite rules, every rule the same way (STYLE.md): walk the plan
// top-down; at each node try each rule of the registry in order; skip a disabled rule (and say
// so in the trace); apply a matching one; keep the rewrite only when the cost model estimates the
// result cheaper than what it replaces (else put the original back and say why, with both costs);
// record {rule, fired or rejected, one line}; verify the plan after every change in debug builds.
// Rules run to a fixed point, bounded so a pair of rules undoing each other cannot loop.

#include <vector>

#include "planner/planner_settings.h"
#include "planner/rule_trace.h"
#include "rules/registry.h"

namespace shardql::rules {

inline constexpr int kMaxRulePasses = 8;

// Rewrites `plan` in place. `registry` is the production one unless a test brings its own.
// `params`: the parameters' values when planning knows them (they route, and they are costed).
void ApplyRules(plan::LogicalPlan& plan, const Dialect& dialect, const CatalogSnapshot& catalog,
                const PlannerSettings& settings, RuleTrace& trace,
                const std::vector<Value>* params = nullptr,
                const std::vector<RuleEntry>& registry = RuleRegistry());

}  // namespace shardql::rules
