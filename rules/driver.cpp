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
      plan::PlanPtr original = node->Clone();
      plan::PlanPtr replacement = rule->Apply(node, ctx_, message);
      if (!replacement) {
        node = std::move(original);
        // No message: the node was not the rule's shape after all (a check too costly for Match).
        if (!message.empty()) trace_.Add(rule->Name(), TraceOutcome::kRejected, message);
        continue;
      }
      Estimate before = ctx_.cost.Of(*original);
      node = std::move(replacement);
      plan::VerifyPlanInDebug(*plan_.root, plan_.columns);
      Estimate after = ctx_.cost.Of(*node);
      std::string costs = fmt::format("cost {:.4g} → {:.4g}", before.cost, after.cost);
      // Cheaper by more than rounding (or the rule's own margin): two estimates equal but for
      // floating-point noise keep the plan as written.
      if (!(after.cost < before.cost * (1 - rule->MinimumSaving()))) {
        node = std::move(original);
        double margin = rule->MinimumSaving();
        std::string by = margin >= 0.01 ? fmt::format(" by {:.0f}%", margin * 100) : "";
        trace_.Add(rule->Name(), TraceOutcome::kRejected,
                   fmt::format("{}, but not cheaper{}: {}", message, by, costs));
        continue;
      }
      trace_.Add(rule->Name(), TraceOutcome::kFired, fmt::format("{} ({})", message, costs),
                 std::move(original), node->Clone());
      changed = true;
    }
    ctx_.ancestors.push_back(node.get());
    for (plan::PlanPtr& child : node->children)
      changed |= Pass(child);
    ctx_.ancestors.pop_back();
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
                const PlannerSettings& settings, RuleTrace& trace, const std::vector<Value>* params,
                const std::vector<RuleEntry>& registry) {
  if (registry.empty()) return;
  std::vector<std::unique_ptr<Rule>> rules;
  for (const RuleEntry& entry : registry)
    rules.push_back(entry.make());
  CostModel cost(catalog, dialect, plan.columns, settings, params);
  RuleContext ctx{plan.columns, dialect, catalog, cost, {}};
  Driver driver(plan, ctx, settings, trace, rules);
  for (int pass = 0; pass < kMaxRulePasses; ++pass) {
    if (!driver.Pass(plan.root)) return;
  }
}

}  // namespace shardql::rules
