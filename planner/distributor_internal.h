#pragma once
// The distributor's shared parts: plan analysis (scans, the predicates that constrain each scan,
// shard choices) and route construction. Not included outside planner/.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/distribution_steps.h"
#include "planner/distributor.h"
#include "planner/logical_plan.h"

namespace shardql::distribute {

class PlanAnalysis {
 public:
  PlanAnalysis(const plan::PlanNode& root, const Dialect& dialect);

  // Every scan of the statement, subqueries included, in plan order.
  const std::vector<const plan::ScanNode*>& scans() const { return scans_; }

  // The predicates every row a scan contributes must satisfy: WHERE conjuncts and inner-join ON
  // conditions up the scan's query block (and, through a subquery in a WHERE, the enclosing
  // block's), stopping where the scan becomes the null-supplying side of an outer join (past it,
  // dropping the scan's rows would add null-extended rows).
  std::vector<const plan::Expr*> ScanPredicates(const plan::ScanNode& scan) const;

  // The shards a hash-distributed scan needs, with a reason for EXPLAIN.
  ShardChoice Choice(const plan::ScanNode& scan, const plan::ColumnTable& columns,
                     std::string* reason) const;

 private:
  struct Link {
    const plan::PlanNode* parent = nullptr;
    bool via_subquery = false;
  };
  void Index(const plan::PlanNode& node);

  const Dialect& dialect_;
  std::vector<const plan::ScanNode*> scans_;
  std::map<const plan::PlanNode*, Link> parents_;
};

struct Context {
  const plan::LogicalPlan& logical;
  const Dialect& dialect;
  const PlannerSettings& settings;
  RuleTrace* trace;
  plan::ColumnTable columns;  // the logical plan's, plus the columns new fragments define

  // Whether `step` may be taken; a step switched off is recorded as such.
  bool Enabled(const DistributionStep& step) {
    if (settings.Enabled(step.name)) return true;
    Record(step, TraceOutcome::kDisabled, "switched off by disabled_rules");
    return false;
  }
  void Record(const DistributionStep& step, TraceOutcome outcome, std::string message) {
    if (trace) trace->Add(step.name, outcome, std::move(message));
  }
};

// A route running `fragment` on the shards of `choice` on `table`'s ring.
std::unique_ptr<Route> MakeRoute(Context& ctx, plan::PlanPtr fragment, const ShardChoice& choice,
                                 const TableInfo& table, std::string reason);
std::unique_ptr<MergeNode> RouteNode(std::unique_ptr<Route> route);

// Strategy 2; nullopt when the query's shape or placement does not allow it.
std::optional<DistributedPlan> TryScatter(Context& ctx, const PlanAnalysis& analysis);
// Strategy 3.
DistributedPlan GeneralPath(Context& ctx, const PlanAnalysis& analysis);

// "orders.order_num" for EXPLAIN.
std::string ScanKeyText(const plan::ScanNode& scan);

}  // namespace shardql::distribute
