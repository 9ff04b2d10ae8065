#pragma once
// The binder's working parts, shared by binder.cpp (statements, query blocks, FROM) and
// bind_expression.cpp (expressions). Not included outside planner/.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "planner/catalog.h"
#include "planner/dialect.h"
#include "planner/logical_plan.h"
#include "planner/temporal.h"

namespace shardql::bind {

using plan::ColumnId;
using plan::ExprPtr;
using plan::PlanPtr;

struct ScopeColumn {
  std::string name;
  ColumnId id;
  ExprType type;  // as a reference to this column sees it
};

struct ScopeTable {
  std::string alias;  // the name that qualifies its columns; empty for an unaliased subquery
  std::vector<ScopeColumn> columns;
};

// The names visible in one query block's FROM clause; `parent` is the enclosing block's (for
// correlated references).
struct Scope {
  const Scope* parent = nullptr;
  std::vector<ScopeTable> tables;
  // The right-hand copies of columns merged by JOIN ... USING / NATURAL JOIN: an unqualified name
  // or `*` does not see them (the left copy stands for both); `b.x` still does.
  std::set<ColumnId> merged_away;
};

// Where an expression is being bound decides what it may contain.
enum class ExprContext : uint8_t {
  kWhere,          // no aggregates, no window functions
  kJoinCondition,  // same rules as WHERE
  kGroupBy,        // no aggregates, no window functions
  kSelectList,     // aggregates and window functions
  kHaving,         // aggregates
  kOrderBy,        // aggregates and window functions
  kAggregateArg,   // inside an aggregate: no nested aggregates
  kWindowArg,      // inside a window call: aggregates but no nested window calls
  kValues,         // VALUES rows, LIMIT, OFFSET, DEFAULT: no column references to this level
  kAssignment,     // UPDATE SET values
};

// The aggregates and window calls a query block collects while its expressions are bound.
struct BlockCollector {
  const Scope* from_scope = nullptr;  // aggregate and window arguments bind here
  bool aggregating = false;
  std::vector<ExprPtr> aggregates;  // kAggregate exprs
  std::vector<ColumnId> aggregate_ids;
  std::vector<ExprPtr> windows;  // kWindow exprs
  std::vector<ColumnId> window_ids;
  // The block's WINDOW clause, for OVER name.
  const std::vector<std::pair<std::string, std::unique_ptr<ast::WindowSpec>>>* named_windows =
      nullptr;
};

class Binder;

// Binds one expression tree in a scope and context.
class ExpressionBinder {
 public:
  ExpressionBinder(Binder& binder, const Scope* scope, ExprContext context,
                   BlockCollector* collector)
      : binder_(binder), scope_(scope), context_(context), collector_(collector) {}

  ExprPtr Bind(const ast::Expr& expr);

 private:
  ExprPtr BindColumnRef(const ast::ColumnRef& ref);
  ExprPtr BindFunction(const ast::Function& fn);
  ExprPtr BindAggregate(const ast::Function& fn);
  ExprPtr BindWindow(const ast::Function& fn);
  ExprPtr BindSubquery(const ast::Query& query, plan::SubqueryKind kind, size_t position,
                       ExprPtr left);
  ExprPtr BindLiteral(const ast::Literal& literal);
  // PostgreSQL's date and time types (bind_temporal.cpp): casts and literals, comparisons with
  // text, + and -, extract/date_part. Constants fold in the router; a backend without these types
  // gets only what it computes with PostgreSQL's meaning, the rest is refused.
  ExprPtr BindTemporalCast(ExprPtr operand, const SqlType& target, const std::string& name,
                           size_t position);
  void CoerceToTemporal(ExprPtr& side, const ExprType& other, size_t position);
  // The operand and the bounds of BETWEEN, or the items of an IN list, coerced against each other.
  void CoerceOperands(plan::Expr& e, size_t position);
  ExprPtr BindTemporalArithmetic(ast::BinaryOp op, ExprPtr left, ExprPtr right, size_t position);
  ExprPtr BindExtract(const ast::Function& fn);
  ExprPtr BindDateTrunc(const ast::Function& fn);
  // now(), current_timestamp, current_date, localtimestamp, ...: the statement's clock.
  ExprPtr BindClock(const ast::Function& fn);
  ExprPtr BindChild(const ast::Expr& expr) { return Bind(expr); }
  std::vector<plan::SortKey> BindOrderItems(const std::vector<ast::OrderItem>& items);

  Binder& binder_;
  const Scope* scope_;
  ExprContext context_;
  BlockCollector* collector_;
};

class Binder {
 public:
  Binder(std::string_view text, std::shared_ptr<const CatalogSnapshot> catalog,
         const std::map<std::string, ViewInfo>* session_views, const Dialect& dialect)
      : text_(text),
        catalog_(std::move(catalog)),
        session_views_(session_views),
        dialect_(dialect) {}

  plan::LogicalPlan BindStatement(const ast::Statement& statement);
  plan::LogicalPlan BindTopQuery(const ast::Query& query);

  // A bound query: its plan, its output columns (ids and names), and how many of them are visible
  // (the rest are hidden sort keys, already stripped when `strip_hidden` was requested).
  struct BoundQuery {
    PlanPtr plan;
    std::vector<ColumnId> outputs;
    std::vector<std::string> names;
  };
  BoundQuery BindQuery(const ast::Query& query, const Scope* outer);

  plan::ColumnTable& columns() { return columns_; }
  const Dialect& dialect() const { return dialect_; }
  // The statement's clock: the pipeline's, else the wall clock when first read. Reading it makes
  // the plan one for this execution only (LogicalPlan::reads_clock).
  void SetClock(const temporal::StatementClock& clock) { clock_ = clock; }
  const temporal::StatementClock& Clock() {
    if (!clock_) {
      int64_t now = temporal::MicrosNow();
      clock_ = temporal::StatementClock{now, now};
    }
    reads_clock_ = true;
    return *clock_;
  }
  std::string_view text() const { return text_; }
  std::string_view SpanText(ast::SourceSpan span) const;
  void NoteParam(uint32_t index) { param_count_ = std::max(param_count_, index); }
  // A parameter compared with, or stored into, something of `type`: the type it is described
  // with (the first such use counts).
  void NoteParamType(uint32_t index, const ExprType& type) { param_types_.emplace(index, type); }
  // One type per parameter, $1 first: as noted, or unknown.
  std::vector<ExprType> ParamTypes() const;
  ColumnId NewColumn(std::string name, ExprType type, std::string qualifier = "");

  // The output name PostgreSQL would give a select item without an alias.
  std::string DerivedName(const ast::Expr& expr) const;

 private:
  friend class ExpressionBinder;

  struct FromItem {
    PlanPtr plan;
    std::vector<ScopeTable> tables;
    std::set<ColumnId> merged_away;  // see Scope
  };

  BoundQuery BindQueryBody(const ast::QueryBody& body, const Scope* outer, const ast::Query* owner);
  BoundQuery BindSelectBlock(const ast::SelectCore& core, const Scope* outer,
                             const ast::Query* owner);
  BoundQuery BindValues(const ast::QueryBody& body, const Scope* outer);
  BoundQuery BindSetOp(const ast::QueryBody& body, const Scope* outer);
  // ORDER BY / LIMIT over a query whose ORDER BY may only name output columns.
  BoundQuery ApplyOutputOrderAndLimit(BoundQuery bound, const ast::Query& query,
                                      const Scope* outer);
  PlanPtr ApplyLimit(PlanPtr plan, const ast::Query& query, const Scope* outer);

  FromItem BindFromItem(const ast::TableRef& ref, const Scope* outer);
  FromItem BindNamedTable(const ast::NamedTable& ref, const Scope* outer);
  FromItem BindDerived(const ast::Query& query, const std::string& alias,
                       const std::vector<std::string>& column_aliases, const Scope* outer,
                       ast::SourceSpan span);
  FromItem BindJoin(const ast::JoinRef& join, const Scope* outer);
  // A FROM item's columns as an unqualified name or `*` sees them.
  static std::vector<const ScopeColumn*> VisibleColumns(const FromItem& item);
  FromItem BindView(const ViewInfo& view, const ast::NamedTable& ref, const std::string& alias);
  const ViewInfo* FindView(const std::string& name) const;

  plan::LogicalPlan BindInsert(const ast::InsertStatement& stmt);
  plan::LogicalPlan BindUpdate(const ast::UpdateStatement& stmt);
  plan::LogicalPlan BindDelete(const ast::DeleteStatement& stmt);
  std::shared_ptr<const TableInfo> WritableTable(const std::vector<std::string>& name,
                                                 ast::SourceSpan span) const;
  // A scan of every column of `table` as `alias`, its columns named in `scope_table` (`renames`
  // first, as in `FROM t AS x (a, b)`).
  std::unique_ptr<plan::ScanNode> ScanTable(std::shared_ptr<const TableInfo> table,
                                            const std::string& alias,
                                            const std::vector<std::string>& renames,
                                            ScopeTable& scope_table);
  // Scan of a DML target table, and the scope that names its columns.
  std::unique_ptr<plan::ScanNode> TargetScan(std::shared_ptr<const TableInfo> table,
                                             const std::string& alias, Scope& scope);
  // TargetScan under the statement's WHERE, if it has one.
  plan::PlanPtr FilteredTarget(std::shared_ptr<const TableInfo> table, const std::string& alias,
                               const ast::Expr* where, Scope& scope);
  // A bound write statement: its plan and the columns and parameters it used.
  plan::LogicalPlan Finish(plan::PlanPtr root);
  // Column `index`'s DEFAULT as an expression (NULL without one); `reads_clock`: whether it
  // reads the statement's clock.
  ExprPtr BindColumnDefault(const TableInfo& table, int index, bool* reads_clock = nullptr);
  // INSERT: columns left out whose DEFAULT reads the clock get it from the router.
  void FillClockDefaults(const TableInfo& table, std::vector<int>& target_columns,
                         plan::PlanPtr& source);

  // A CTE by name, innermost WITH first, with the scope its WITH was written in (its body binds
  // there, not where it is referenced).
  struct CteRef {
    const ast::CommonTableExpr* cte = nullptr;
    const Scope* outer = nullptr;
  };
  CteRef FindCte(const std::string& name) const;

  std::string_view text_;
  std::shared_ptr<const CatalogSnapshot> catalog_;
  const std::map<std::string, ViewInfo>* session_views_;
  const Dialect& dialect_;
  plan::ColumnTable columns_;
  uint32_t param_count_ = 0;
  std::map<uint32_t, ExprType> param_types_;
  std::optional<temporal::StatementClock> clock_;
  bool reads_clock_ = false;
  // WITH lists in force, innermost last, each with the scope it was written in.
  struct CteFrame {
    const std::vector<ast::CommonTableExpr>* list;
    const Scope* outer;
  };
  std::vector<CteFrame> ctes_;
  // Views and CTEs being expanded: a definition that reaches itself is refused.
  std::vector<std::string> expanding_;
  // Each CTE's number for PlanNode::cte_reference, from 1.
  std::map<const ast::CommonTableExpr*, uint32_t> cte_numbers_;
};

// Structural equality of bound expressions (same kinds, payloads and children); subqueries are
// never equal. Used to match GROUP BY and ORDER BY expressions with select items.
bool ExprEquals(const plan::Expr& a, const plan::Expr& b);

// The functions that read the statement's clock (BindClock).
bool IsClockFunction(std::string_view name);

// True when the AST expression calls an aggregate at this query level (not inside a subquery).
bool HasAggregateCall(const ast::Expr& expr, const FunctionCatalog& functions);

// The type of a reference to a table's column.
ExprType ColumnType(const ColumnInfo& column);

// The type a reference to a column computed by `type` sees from outside its block: SQLite makes
// an ephemeral column of that type (declared or not) and collation; the collation becomes
// implicit.
ExprType AsColumnType(const ExprType& type);

}  // namespace shardql::bind
