#include "rules/driver.h"

#include <fmt/format.h>

#include "grammar/stack_guard.h"
#include "planner/plan_verifier.h"

namespace shardql::rules {
namespace {

class Driver {
 public:
  Driver(plan::LogicalPlan& plan, RuleContext& ctx, const PlannerSettings& settings,
         RuleTrace& trace, const std::vector<std::unique_ptr<Rule>>& rules)
      : plan_(plan), ctx_(ctx), settings_(settings), trace_(trace), rules_(rules) {}

  // One top-down pass; true when any rule fired.
  bool Pass(plan::PlanPtr& node) {
    CheckStackDepth();
    bool changed = false;
    for (const std::unique_ptr<Rule>& rule : rules_) {
      if (!rule->Match(*node)) continue;
      if (!settings_.Enabled(rule->Name())) {
        trace_.Add(rule->Name(), TraceOutcome::kDisabled, "switched off by disabled_rules");
        continue;
      }
      std::string message;
      plan::PlanPtr replacement = rule->Apply(node, ctx_, message);
      if (!replacement) {
        trace_.Add(rule->Name(), TraceOutcome::kRejected, message);
        continue;
      }
      node = std::move(replacement);
      trace_.Add(rule->Name(), TraceOutcome::kFired, message);
      plan::VerifyPlanInDebug(*plan_.root, plan_.columns);
      changed = true;
    }
    for (plan::PlanPtr& child : node->children)
      changed |= Pass(child);
    return changed;
  }

 private:
  plan::LogicalPlan& plan_;
  RuleContext& ctx_;
  const PlannerSettings& settings_;
  RuleTrace& trace_;
  const std::vector<std::unique_ptr<Rule>>& rules_;
};

}  // namespace

void ApplyRules(plan::LogicalPlan& plan, const Dialect& dialect, const CatalogSnapshot& catalog,
                const PlannerSettings& settings, RuleTrace& trace,
                const std::vector<RuleEntry>& registry) {
  if (registry.empty()) return;
  std::vector<std::unique_ptr<Rule>> rules;
  for (const RuleEntry& entry : registry)
    rules.push_back(entry.make());
  RuleContext ctx{plan.columns, dialect, catalog};
  Driver driver(plan, ctx, settings, trace, rules);
  for (int pass = 0; pass < kMaxRulePasses; ++pass) {
    if (!driver.Pass(plan.root)) return;
  }
}

}  // namespace shardql::rules
