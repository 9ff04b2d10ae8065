#pragma once
// The invariants every plan keeps, checked after binding, after every rewrite rule and on every
// fragment the distributor cuts (DuckDB verifies its plan after each optimizer pass):
//   - every column an expression reads is an output of the node's children, or of an enclosing
//     block for a correlated subquery, and is known to the column table;
//   - each node's outputs follow its kind's rule (logical_plan.h): a filter, sort, distinct or
//     limit passes its child's through, a join concatenates, a project or aggregate has one per
//     expression, a window appends one per call, set operation inputs agree in width;
//   - no node produces the same id twice;
//   - every output id has its name and type in the column table.
// A violation is a planner bug: VerifyPlan throws SqlError XX000 naming the node and the column.

#include "planner/logical_plan.h"

namespace shardql::plan {

void VerifyPlan(const PlanNode& root, const ColumnTable& columns);
inline void VerifyPlan(const LogicalPlan& plan) {
  VerifyPlan(*plan.root, plan.columns);
}

// Debug and sanitizer builds verify every plan they make; release builds do not pay for it.
#ifdef NDEBUG
inline constexpr bool kVerifyPlans = false;
#else
inline constexpr bool kVerifyPlans = true;
#endif

// VerifyPlan where kVerifyPlans is on.
inline void VerifyPlanInDebug(const PlanNode& root, const ColumnTable& columns) {
  if constexpr (kVerifyPlans) VerifyPlan(root, columns);
}

}  // namespace shardql::plan
