#pragma once
// Plans INSERT, UPDATE and DELETE into distributed write plans (distributed_plan.h), cached and
// printed like reads:
//   INSERT routes each row by its shard key once the rows are known (after the key column's
//   affinity, as the shard will store it); literal VALUES are read without running anything, an
//   INSERT ... SELECT runs its query plan first (so it may read any table, the target included).
//   UPDATE and DELETE are pruned like reads. An UPDATE that assigns the shard key moves each row:
//   the shard reads the rows as they will be and deletes them, and the rows are inserted where
//   their key now belongs.
// What cannot run exactly is refused here, before anything is written (0A000).

#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"
#include "planner/planner_settings.h"
#include "planner/rule_trace.h"

namespace shardql {

// `values`, when known, as DistributeQuery takes them.
DistributedPlan DistributeWrite(const plan::LogicalPlan& plan, const Dialect& dialect,
                                const PlannerSettings& settings, RuleTrace* trace,
                                const std::vector<Value>* values = nullptr);

// The columns an INSERT's statements fill, in order: the columns it names, the rowid when the
// router numbers the rows, the shard key when it comes from its DEFAULT or is numbered.
std::vector<int> InsertedColumns(const WritePlan& write);

// "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)" for `rows` rows of `columns` (table column
// indexes, kRowidColumn for the rowid); "INSERT INTO t DEFAULT VALUES" when there are none.
std::string InsertSql(const TableInfo& table, const std::vector<int>& columns, size_t rows,
                      const Dialect& dialect);
// Rows per INSERT statement for rows `width` values wide: SQLite binds at most 32766 values.
size_t InsertBatchRows(size_t width);

}  // namespace shardql
