#pragma once
// The distributor's shared parts: the planning context, query-block peeling and the router-side
// finish of a block (DISTINCT, ORDER BY, LIMIT), and route construction. Not included outside
// planner/.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/distribution.h"
#include "planner/distribution_steps.h"
#include "planner/distributor.h"
#include "planner/logical_plan.h"

namespace shardql::distribute {

struct Context {
  const plan::LogicalPlan& logical;
  const Dialect& dialect;
  const PlannerSettings& settings;
  RuleTrace* trace;
  DistributionAnalysis& analysis;
  plan::ColumnTable columns;  // the logical plan's, plus the columns new fragments define
  // The parameters' values when planning knows them, and where a decision made from the shards
  // they route to is recorded (DistributedPlan::guard).
  const std::vector<Value>* values = nullptr;
  RoutingGuard* guard = nullptr;

  // Whether `step` may be taken; a step switched off is recorded as such.
  bool Enabled(const DistributionStep& step) {
    if (settings.Enabled(step.name)) return true;
    Record(step, TraceOutcome::kDisabled, "switched off by disabled_rules");
    return false;
  }
  void Record(const DistributionStep& step, TraceOutcome outcome, std::string message) {
    if (trace) trace->Add(step.name, outcome, std::move(message));
  }
  size_t TraceMark() const { return trace ? trace->size() : 0; }
  void TraceBackTo(size_t mark) {
    if (trace) trace->Truncate(mark);
  }
};

// ---- Query blocks (distributor_block.cpp)

// A query block's canonical parts, peeled from its top:
//   [strip] ← [Limit] ← [Sort] ← [Distinct] ← Project ← [Filter:having] ← [Aggregate] ← FROM
// or, for a set operation, [Limit] ← [Sort] ← SetOp.
struct BlockParts {
  const plan::ProjectNode* strip = nullptr;  // drops hidden sort keys
  const plan::LimitNode* limit = nullptr;
  const plan::SortNode* sort = nullptr;
  const plan::DistinctNode* distinct = nullptr;
  const plan::ProjectNode* project = nullptr;
  const plan::FilterNode* having = nullptr;
  const plan::AggregateNode* aggregate = nullptr;
  const plan::PlanNode* from = nullptr;
  const plan::SetOpNode* setop = nullptr;  // instead of project ... from
};
std::optional<BlockParts> PeelBlock(const plan::PlanNode& root);

// A block's LIMIT and OFFSET as constants or parameters, as the router applies them.
struct BlockLimit {
  std::optional<int64_t> limit, offset;
  uint32_t limit_param = 0, offset_param = 0;
};
// nullopt when LIMIT or OFFSET is an expression the router cannot evaluate.
std::optional<BlockLimit> ReadLimit(const BlockParts& parts);

size_t PositionOf(const std::vector<plan::ColumnId>& ids, plan::ColumnId id);
// The collation a merge compares a column with: its own, or BINARY when it has none.
Collation KeyCollation(const ExprType& type);
std::vector<MergeSortKey> MergeKeys(const Context& ctx, const plan::SortNode& sort,
                                    const std::vector<plan::ColumnId>& columns);
std::unique_ptr<MergeNode> Wrap(MergeKind kind, std::unique_ptr<MergeNode> child);
// A projection that picks `columns` of the child's rows; none when it picks them all, in order.
std::unique_ptr<MergeNode> PickColumns(std::unique_ptr<MergeNode> child,
                                       std::vector<size_t> columns);
// The router's finish of a block above rows shaped like `columns`: ORDER BY (unless
// `sorted_input`), DISTINCT, LIMIT / OFFSET, and the projection that drops hidden sort keys.
std::unique_ptr<MergeNode> FinishBlock(const Context& ctx, const BlockParts& parts,
                                       std::unique_ptr<MergeNode> node,
                                       const std::vector<plan::ColumnId>& columns,
                                       bool sorted_input, const BlockLimit& limit);

// Reads a result table the merge engine loaded (answered subquery rows, merged groups) back as
// the node it stands for: a scan of its columns yielding `outputs`. A column the table declares
// without a type (`typed[i]` false) has BLOB affinity, while the aggregate or expression it holds
// had none, and SQLite compares the two differently with a typed column (it converts a TEXT
// column's other operand only when that has none): it is read as +c, which has none.
plan::PlanPtr ReadResultTable(Context& ctx, std::shared_ptr<const TableInfo> table,
                              std::string alias, const std::vector<plan::ColumnId>& outputs,
                              const std::vector<bool>& typed);

// ---- Routes (distributor_routes.cpp)

// A route running `fragment` on the shards of `choice` on `table`'s ring; an IN list on the key
// is split per shard (SplitInListPerShard).
std::unique_ptr<Route> MakeRoute(Context& ctx, plan::PlanPtr fragment, const ShardChoice& choice,
                                 const TableInfo& table, std::string reason);
std::unique_ptr<MergeNode> RouteNode(std::unique_ptr<Route> route);

// ---- Strategies

// Whether the subtree scans a table anywhere, subqueries included (distributor.cpp).
bool ReadsTables(const plan::PlanNode& root);
// The branches of nested UNION ALLs, left to right.
void CollectUnionAll(const plan::PlanNode& node, std::vector<const plan::PlanNode*>& out);

// A distributed plan for the subtree `root` (the statement, or one branch of a set operation).
struct SubPlan {
  std::unique_ptr<MergeNode> root;
  std::string strategy;  // "single route", "scatter", ... for EXPLAIN
};

// The subtree without the general path: one route, scatter + merge, or a gather of set-operation
// branches (distributor.cpp); nullopt when only the merge engine can answer it.
std::optional<SubPlan> TryDistribute(Context& ctx, const plan::PlanNode& root);
// Scatter + merge over a co-located block (distributor_scatter.cpp); nullopt when the block's
// shape or placement does not allow it.
std::optional<SubPlan> TryScatter(Context& ctx, const plan::PlanNode& root);
// EXISTS (SELECT a, b, ...) becomes EXISTS (SELECT 1), everywhere in the plan or expression:
// whether a row exists does not depend on what it would show, so no column need move for it
// (TPC-H Q4 and Q21 write EXISTS (SELECT *)). distributor_fetch_filter.cpp.
void SimplifyExists(plan::PlanNode& root);
void SimplifyExists(plan::Expr& e);
// ---- Subqueries the shards answer (distributor_subquery_results.cpp)

struct SubqueryResults {
  std::vector<TempTableLoad> loads;
  // The table each answered subquery's rows go into, by the subquery's first output column.
  std::map<plan::ColumnId, std::shared_ptr<const TableInfo>> tables;
  std::set<const plan::PlanNode*> answered_scans;  // the merge engine no longer reads them
};
// The uncorrelated subqueries of `root` the shards can answer without the merge engine.
SubqueryResults AnswerSubqueriesOnShards(Context& ctx, const plan::PlanNode& root,
                                         const std::set<const plan::Expr*>& settled);
// In `query`, a clone of that root, each answered subquery reads its result table instead.
void ReadSubqueryResults(Context& ctx, plan::PlanNode& query, const SubqueryResults& results);

// ---- CTEs read more than once (distributor_shared_ctes.cpp)

struct SharedCteResults {
  std::vector<TempTableLoad> loads;
  // The table each computed CTE's rows go into, by PlanNode::cte_reference.
  std::map<uint32_t, std::shared_ptr<const TableInfo>> tables;
  std::set<const plan::PlanNode*> scans;  // the merge engine no longer reads them
};
// The CTEs of `root` read more than once that the shards compute once; `taken`: scans whose rows
// reach the merge engine otherwise (answered or settled subqueries), whose CTE reference stays.
SharedCteResults ComputeSharedCtesOnce(Context& ctx, const plan::PlanNode& root,
                                       const std::set<const plan::PlanNode*>& taken);
// In `query`, a clone of that root, each reference of a computed CTE reads its table instead.
void ReadSharedCteResults(Context& ctx, plan::PlanPtr& query, const SharedCteResults& results);

// What a shard checks before the general path's fetch of `scan`'s table moves its rows
// (distributor_fetch_filter.cpp), over the fetch's columns `ids`; null when every row is needed.
// `aliases` numbers the semi-joins' table aliases within the statement.
plan::ExprPtr FetchFilter(Context& ctx, const plan::ScanNode& scan,
                          const std::map<plan::ColumnId, plan::ColumnId>& ids, int& aliases);
// Whether FetchFilter(scan) holds `conjunct` (a conjunct of one of the scan's predicates) whole,
// so every fetched row meets it.
bool FetchKeepsWhole(Context& ctx, const plan::ScanNode& scan, const plan::Expr& conjunct);

// ---- Subquery filters the fetches settle (distributor_settled_filters.cpp)

struct SettledFilters {
  // By predicate (a Filter's or a join's, in the distributed root): the indexes of its conjuncts
  // (SplitConjuncts order) that fetches apply exactly.
  std::map<const plan::Expr*, std::set<size_t>> conjuncts;
  std::set<const plan::Expr*> subqueries;  // inside those conjuncts: neither answered nor run
  std::set<const plan::PlanNode*> scans;   // inside those subqueries: not fetched
};
SettledFilters SettleSubqueryFilters(Context& ctx, const plan::PlanNode& root);
// In `query`, a clone of that root, the settled conjuncts are gone (TRUE where none is left).
void DropSettledFilters(plan::PlanNode& query, const plan::PlanNode& root,
                        const SettledFilters& settled);
// Columns equated with another column anywhere in `root` (joins, correlations, inside OR too,
// subqueries included): where the rows they come from are loaded, an index on them lets the join
// seek (distributor_general.cpp).
std::set<plan::ColumnId> EquatedColumns(const plan::PlanNode& root);
// The general path (distributor_general.cpp): the tables `root` reads, fetched into the merge
// engine, which runs `root` there.
SubPlan GeneralPath(Context& ctx, const plan::PlanNode& root);

}  // namespace shardql::distribute
