#pragma once
// The one plan printer, used by EXPLAIN and by the golden tests (CockroachDB's EXPLAIN and its
// test harness share one formatter too). Plans become ExplainNode trees — a title, detail lines
// and children — and RenderExplainTree draws any such tree. Output is deterministic: no pointers,
// no addresses, stable ordering.

#include <functional>
#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"

namespace shardql {

struct ExplainNode {
  std::string title;
  std::vector<std::string> details;
  std::vector<ExplainNode> children;
};

// Draws the tree:
//   Project a, b
//   └── Filter a > 1
//       └── Scan t
std::string RenderExplainTree(const ExplainNode& root);

struct PlanPrintOptions {
  // Columns as name#id, and each node's output columns on a line of their own: what before/after
  // trees of a rewrite need to show which column is which.
  bool column_ids = false;
  // A detail line for each node (EXPLAIN VERBOSE: where the node's rows live); empty: none.
  std::function<std::string(const plan::PlanNode&)> annotate;
};

// The logical plan as an explain tree; subquery plans hang under their node, labelled.
ExplainNode ExplainLogicalPlan(const plan::LogicalPlan& plan, const PlanPrintOptions& options = {});
ExplainNode ExplainPlanNode(const plan::PlanNode& node, const plan::ColumnTable& columns,
                            const PlanPrintOptions& options = {});

// A SQL-like rendering of an expression for EXPLAIN (not for backends): columns by name.
std::string FormatExpr(const plan::Expr& expr, const plan::ColumnTable& columns,
                       const PlanPrintOptions& options = {});

// Lines EXPLAIN ANALYZE adds to a distributed plan: under each route (its shards' actual rows
// and times) and each merge (its actual rows).
struct PlanAnnotations {
  std::function<std::vector<std::string>(const Route&)> route;
  std::function<std::string(const MergeNode&)> merge;
};

// The distributed plan: the merge tree the router runs, each route's variant, its shards with
// the SQL each runs, and why those shards. With `params` (and the dialect that reads them), the
// values the plan runs with and the shards they pick where a parameter chooses.
ExplainNode ExplainDistributedPlan(const DistributedPlan& plan,
                                   const std::vector<Value>* params = nullptr,
                                   const Dialect* dialect = nullptr,
                                   const PlanAnnotations* annotations = nullptr);

inline std::string PrintPlan(const plan::LogicalPlan& plan, const PlanPrintOptions& options = {}) {
  return RenderExplainTree(ExplainLogicalPlan(plan, options));
}

}  // namespace shardql
