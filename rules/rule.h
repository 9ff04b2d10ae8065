#pragma once
// A rewrite rule (STYLE.md): a small, named unit whose header comment is its spec — what it
// rewrites, the trees before and after, the conditions under which it is safe. Rules are
// optimisations: the driver may skip any of them (SET disabled_rules) and results must not
// change.

#include <string>
#include <vector>

#include "planner/catalog.h"
#include "planner/cost_model.h"
#include "planner/dialect.h"
#include "planner/logical_plan.h"

namespace shardql::rules {

// What a rule may read or extend while it rewrites.
struct RuleContext {
  plan::ColumnTable& columns;  // new column ids go here
  const Dialect& dialect;
  const CatalogSnapshot& catalog;
  const CostModel& cost;  // what the driver compares before and after a rewrite
  // The nodes above the one being rewritten, the root first and its parent last.
  std::vector<const plan::PlanNode*> ancestors;
};

class Rule {
 public:
  virtual ~Rule() = default;
  // The key SET disabled_rules uses: verb-first CamelCase (SplitOrToUnion).
  virtual const char* Name() const = 0;
  // One line, printed by EXPLAIN VERBOSE.
  virtual const char* Rationale() const = 0;
  // Whether `node` has the shape the rule rewrites (cheap and structural).
  virtual bool Match(const plan::PlanNode& node) const = 0;
  // The fraction of the cost a rewrite must save to be kept. Most rules compare like with like
  // and need only beat rounding; a rule whose estimate compounds less certain figures asks for
  // more.
  virtual double MinimumSaving() const { return 1e-3; }
  // The replacement for a matched node (which the rule may take apart), or null when a safety
  // condition fails; `message` says, in one line, what was done or why not. Null with no message:
  // the node is not the rule's shape after all (a check too costly for Match), nothing to say.
  virtual plan::PlanPtr Apply(plan::PlanPtr& node, RuleContext& ctx,
                              std::string& message) const = 0;
};

}  // namespace shardql::rules
