#pragma once
// The logical plan: a tree of a closed set of node kinds (DuckDB's LogicalOperator, CockroachDB's
// memo operators), children owned through unique_ptr. Every node produces an ordered list of
// column ids; expressions above it refer to those ids, so a rewrite can move a node without
// renumbering anything. The ids' names and types live in the statement's ColumnTable.
//
// A query block binds to this canonical shape (brackets: optional):
//
//   [Limit] ← [Sort] ← [Distinct] ← Project ← [Window] ← [Filter:having] ← [Aggregate]
//           ← [Filter:where] ← FROM tree of Scan / Join / derived blocks / Values
//
// and a statement's root may add a Project that drops the hidden sort columns.

#include <cassert>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "planner/catalog.h"
#include "planner/expression.h"

namespace shardql::plan {

class ColumnTable;

enum class NodeKind : uint8_t {
  kScan,
  kValues,
  kFilter,
  kProject,
  kJoin,
  kAggregate,
  kWindow,
  kDistinct,
  kSort,
  kLimit,
  kSetOp,
  kMaterialize,
  kInsert,
  kUpdate,
  kDelete,
};

const char* ToString(NodeKind kind);

struct PlanNode {
  explicit PlanNode(NodeKind kind) : kind(kind) {}
  virtual ~PlanNode() = default;
  PlanNode(const PlanNode&) = delete;
  PlanNode& operator=(const PlanNode&) = delete;

  // Checked downcast: T::kKind must match.
  template <typename T>
  T& Cast() {
    assert(kind == T::kKind);
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& Cast() const {
    assert(kind == T::kKind);
    return static_cast<const T&>(*this);
  }

  // The node's name as EXPLAIN prints it.
  const char* Name() const { return ToString(kind); }
  virtual PlanPtr Clone() const = 0;

  const NodeKind kind;
  std::vector<PlanPtr> children;
  std::vector<ColumnId> outputs;
  // Non-zero on the root of a CTE's expansion: which CTE of the statement (the binder numbers
  // them), so a CTE read twice can be computed once (distributor_shared_ctes.cpp).
  uint32_t cte_reference = 0;

 protected:
  // Copies the common parts (children cloned) into a freshly made node.
  void CloneBaseInto(PlanNode& copy) const;
};

// Reads a table. outputs[i] is the table's column column_indexes[i], or its rowid when that is
// kRowidColumn (the router reads rowids to keep one database's row order).
inline constexpr int kRowidColumn = -1;

struct ScanNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kScan;
  ScanNode() : PlanNode(kKind) {}
  std::shared_ptr<const TableInfo> table;
  std::string alias;  // as written, or the table's name
  std::vector<int> column_indexes;
  // The shards have an index led by the table's shard key (its primary key, a UNIQUE constraint
  // or CREATE INDEX), so a semi-join on the key seeks instead of scanning.
  bool shard_key_indexed = false;
  PlanPtr Clone() const override;
};

// Literal rows. A Values node with one row and no columns is the FROM-less `SELECT 1`.
struct ValuesNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kValues;
  ValuesNode() : PlanNode(kKind) {}
  std::vector<std::vector<ExprPtr>> rows;
  PlanPtr Clone() const override;
};

struct FilterNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kFilter;
  FilterNode() : PlanNode(kKind) {}
  ExprPtr predicate;
  // A filter over an Aggregate is the block's HAVING.
  PlanPtr Clone() const override;
};

// outputs[i] is computed by exprs[i]. An expr that is a plain column reference may pass its id
// through unchanged.
struct ProjectNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kProject;
  ProjectNode() : PlanNode(kKind) {}
  std::vector<ExprPtr> exprs;
  PlanPtr Clone() const override;
};

enum class JoinKind : uint8_t { kInner, kLeft, kRight, kFull, kCross };
const char* ToString(JoinKind kind);

// outputs = left outputs ++ right outputs.
struct JoinNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kJoin;
  JoinNode() : PlanNode(kKind) {}
  JoinKind join_kind = JoinKind::kInner;
  ExprPtr condition;  // null for a cross join
  PlanPtr Clone() const override;
};

// outputs = one id per group expression, then one per aggregate call (kAggregate exprs).
struct AggregateNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kAggregate;
  AggregateNode() : PlanNode(kKind) {}
  std::vector<ExprPtr> groups;
  std::vector<ExprPtr> aggregates;
  PlanPtr Clone() const override;
};

// outputs = the child's outputs, then one id per window call (kWindow exprs).
struct WindowNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kWindow;
  WindowNode() : PlanNode(kKind) {}
  std::vector<ExprPtr> windows;
  PlanPtr Clone() const override;
};

struct DistinctNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kDistinct;
  DistinctNode() : PlanNode(kKind) {}
  PlanPtr Clone() const override;
};

struct SortNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kSort;
  SortNode() : PlanNode(kKind) {}
  std::vector<SortKey> keys;
  PlanPtr Clone() const override;
};

struct LimitNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kLimit;
  LimitNode() : PlanNode(kKind) {}
  ExprPtr limit;   // null: no limit (OFFSET only)
  ExprPtr offset;  // null: no offset
  PlanPtr Clone() const override;
};

// UNION / INTERSECT / EXCEPT of two children with the same number of columns; outputs are new ids
// named and typed after the left child's.
struct SetOpNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kSetOp;
  SetOpNode() : PlanNode(kKind) {}
  ast::SetOpKind op = ast::SetOpKind::kUnion;
  bool all = false;
  PlanPtr Clone() const override;
};

// The child's rows, computed once and copied into a temporary table on every shard of `target`'s
// ring before the statement runs there, so a join with a table spread over those shards runs on
// each shard instead of pulling that table's rows into the router (a broadcast join). The outputs
// are the child's ids, passed through. Only the MaterializeTempTable rule makes one; where the
// router has to finish the statement anyway (the general path) the node reads its child as is.
struct MaterializeNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kMaterialize;
  MaterializeNode() : PlanNode(kKind) {}
  std::shared_ptr<const TableInfo> target;  // the table whose shards receive the copy
  std::string table_name;                   // the temporary table's name, unique in the statement
  std::vector<std::string> column_names;    // its columns, one per output
  PlanPtr Clone() const override;
};

// INSERT INTO table (target_columns) <child>. The child produces one column per target column.
struct InsertNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kInsert;
  InsertNode() : PlanNode(kKind) {}
  std::shared_ptr<const TableInfo> table;
  std::vector<int> target_columns;
  PlanPtr Clone() const override;
};

struct Assignment {
  int column = 0;  // index into the table's columns
  ExprPtr value;   // over the scan's columns
};

// UPDATE: the child is the table's Scan, possibly under a Filter.
struct UpdateNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kUpdate;
  UpdateNode() : PlanNode(kKind) {}
  std::shared_ptr<const TableInfo> table;
  std::vector<Assignment> assignments;
  PlanPtr Clone() const override;
};

// DELETE: the child is the table's Scan, possibly under a Filter.
struct DeleteNode : PlanNode {
  static constexpr NodeKind kKind = NodeKind::kDelete;
  DeleteNode() : PlanNode(kKind) {}
  std::shared_ptr<const TableInfo> table;
  PlanPtr Clone() const override;
};

// ---- Node factories: each sets `outputs` from its inputs by the rules above, so a rewrite that
// builds nodes never maintains them by hand.

// A scan of `table` reading its columns `column_indexes` (or kRowidColumn) as `outputs`.
std::unique_ptr<ScanNode> MakeScan(std::shared_ptr<const TableInfo> table, std::string alias,
                                   std::vector<int> column_indexes, std::vector<ColumnId> outputs);
std::unique_ptr<ValuesNode> MakeValues(std::vector<std::vector<ExprPtr>> rows,
                                       std::vector<ColumnId> outputs);
std::unique_ptr<FilterNode> MakeFilter(PlanPtr child, ExprPtr predicate);
std::unique_ptr<ProjectNode> MakeProject(PlanPtr child, std::vector<ExprPtr> exprs,
                                         std::vector<ColumnId> outputs);
// A projection of the child's columns `ids` (plain references, their ids passed through).
std::unique_ptr<ProjectNode> MakePickColumns(PlanPtr child, const std::vector<ColumnId>& ids,
                                             const ColumnTable& columns);
std::unique_ptr<JoinNode> MakeJoin(JoinKind kind, PlanPtr left, PlanPtr right, ExprPtr condition);
// `ids`: one per group, then one per aggregate.
std::unique_ptr<AggregateNode> MakeAggregate(PlanPtr child, std::vector<ExprPtr> groups,
                                             std::vector<ExprPtr> aggregates,
                                             std::vector<ColumnId> ids);
// `ids`: one per window call; the node's outputs are the child's, then these.
std::unique_ptr<WindowNode> MakeWindow(PlanPtr child, std::vector<ExprPtr> windows,
                                       const std::vector<ColumnId>& ids);
std::unique_ptr<DistinctNode> MakeDistinct(PlanPtr child);
std::unique_ptr<SortNode> MakeSort(PlanPtr child, std::vector<SortKey> keys);
std::unique_ptr<LimitNode> MakeLimit(PlanPtr child, ExprPtr limit, ExprPtr offset);
std::unique_ptr<SetOpNode> MakeSetOp(ast::SetOpKind op, bool all, PlanPtr left, PlanPtr right,
                                     std::vector<ColumnId> outputs);
std::unique_ptr<MaterializeNode> MakeMaterialize(PlanPtr child,
                                                 std::shared_ptr<const TableInfo> target,
                                                 std::string table_name,
                                                 std::vector<std::string> column_names);
std::unique_ptr<InsertNode> MakeInsert(std::shared_ptr<const TableInfo> table,
                                       std::vector<int> target_columns, PlanPtr source);
std::unique_ptr<UpdateNode> MakeUpdate(std::shared_ptr<const TableInfo> table,
                                       std::vector<Assignment> assignments, PlanPtr target);
std::unique_ptr<DeleteNode> MakeDelete(std::shared_ptr<const TableInfo> table, PlanPtr target);

// What the planner knows of each column id.
struct ColumnMeta {
  std::string name;       // the column's name, or a select item's output name
  std::string qualifier;  // the table alias for scan columns; empty otherwise
  ExprType type;
};

class ColumnTable {
 public:
  ColumnId Add(ColumnMeta meta) {
    columns_.push_back(std::move(meta));
    return static_cast<ColumnId>(columns_.size() - 1);
  }
  const ColumnMeta& operator[](ColumnId id) const { return columns_.at(id); }
  ColumnMeta& operator[](ColumnId id) { return columns_.at(id); }
  size_t size() const { return columns_.size(); }

 private:
  std::vector<ColumnMeta> columns_;
};

// A column of a statement's result as the client sees it.
struct OutputColumn {
  std::string name;
  ExprType type;
};

// A bound statement's plan with everything needed to run and print it.
struct LogicalPlan {
  PlanPtr root;
  ColumnTable columns;
  std::vector<OutputColumn> output;  // empty for INSERT / UPDATE / DELETE
  uint32_t param_count = 0;
  // $1 first: the type each parameter is compared with or stored as (unknown: default).
  std::vector<ExprType> param_types;
  // It holds the statement's clock (now(), current_date, ...) as constants: a plan for one
  // execution, never cached.
  bool reads_clock = false;

  LogicalPlan Clone() const;
};

// Walks the plan tree (pre-order), and with `into_subqueries` the plans of subquery expressions.
void VisitPlan(const PlanNode& node, const std::function<void(const PlanNode&)>& fn,
               bool into_subqueries = false);

// The columns `node` and everything below it define, subquery plans included: what a reference
// from inside it does not need from an enclosing block.
std::set<ColumnId> DefinedColumns(const PlanNode& node);

// A copy of `node`'s subtree in which every column it defines (subquery plans included) has a
// new id, named and typed as the old one, and every reference follows. A rewrite that needs the
// same rows twice (SplitOrToUnion's branches) takes one copy per use, so no id is defined twice.
// References to columns defined outside the subtree are kept.
PlanPtr CloneWithFreshColumns(const PlanNode& node, ColumnTable& columns);

// Every expression a node holds directly (not its children's), for generic walks.
std::vector<const Expr*> NodeExpressions(const PlanNode& node);

// True when a subquery anywhere inside `expr` scans a hash-distributed table: such an expression
// cannot be evaluated by one shard on its own.
bool SubqueryReadsDistributed(const Expr& expr);

}  // namespace shardql::plan
