#pragma once
// What the two prefix rules (LikePrefixToRange, SubstrPrefixToRange) share: a filter's conjuncts,
// whether one already bounds a column, and the filter rebuilt with ranges in front of the
// conjuncts it had, which all stay (the ranges only drop rows they would reject).

#include <string>
#include <vector>

#include "planner/cost_model.h"
#include "planner/expression.h"
#include "planner/logical_plan.h"

namespace shardql::rules {

std::vector<const plan::Expr*> Conjuncts(const plan::Expr& predicate);

// Whether `e` (or, with `nested`, an expression inside it) compares `column` itself by = or >=
// with a constant or parameter: a range on it is already there.
bool BoundsColumn(const plan::Expr& e, plan::ColumnId column, bool nested);

// Whether an index on some shard is led by `column`, read straight from a table below `input`:
// a range on it serves only such an index (without one it is work added to every row, and the
// cost model, multiplying selectivities, would take it for a saving).
bool IndexLeadsColumn(const plan::PlanNode& input, plan::ColumnId column, const CostModel& cost);

// low <= column < high.
plan::ExprPtr HalfOpenRange(const plan::Expr& column, Value low, Value high);
plan::ExprPtr CompareColumn(ast::BinaryOp op, const plan::Expr& column, Value value);

// A prefix rule's answer: `filter` with `ranges` ANDed in front of `conjuncts` (its own, cloned),
// `message` listing what was `done`; or, with no range, null and `message` listing why each
// candidate was `refused`.
plan::PlanPtr FilterWithRanges(plan::FilterNode& filter, std::vector<plan::ExprPtr> ranges,
                               const std::vector<const plan::Expr*>& conjuncts,
                               const std::vector<std::string>& done,
                               const std::vector<std::string>& refused, std::string& message);

}  // namespace shardql::rules
