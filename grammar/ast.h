#pragma once
// The abstract syntax tree: what a statement says, in the project's own types. No antlr4 type
// appears here or anywhere outside grammar/. Identifiers are already case-folded the PostgreSQL
// way (unquoted → lower case, quoted kept as written), and string literals are already decoded.
//
// Every node carries the byte span of its source text, so later stages can point errors at the
// right place and name result columns after what the user wrote.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shardql::ast {

struct SourceSpan {
  uint32_t begin = 0;  // byte offset of the first character
  uint32_t end = 0;    // one past the last byte
};

struct Query;
using QueryPtr = std::unique_ptr<Query>;

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind : uint8_t {
  kLiteral,
  kColumnRef,
  kStar,
  kParam,
  kUnary,
  kBinary,
  kIsNull,
  kIsBool,
  kIsDistinct,
  kBetween,
  kInList,
  kInQuery,
  kLike,
  kCase,
  kCast,
  kCollate,
  kFunction,
  kExists,
  kSubquery,
  kQuantified,
};

struct Expr {
  explicit Expr(ExprKind kind) : kind(kind) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  template <typename T>
  T& As() {
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }

  const ExprKind kind;
  SourceSpan span;
};
using ExprPtr = std::unique_ptr<Expr>;

enum class LiteralKind : uint8_t { kNull, kInteger, kFloat, kString, kBlob, kBoolean };

struct Literal : Expr {
  Literal() : Expr(ExprKind::kLiteral) {}
  LiteralKind literal_kind = LiteralKind::kNull;
  // kInteger / kFloat: the digits as written (an integer too large for int64 stays text here).
  // kString: the decoded value. kBlob: the decoded bytes. kBoolean: "true" or "false".
  std::string text;
};

// a, t.a, s.t.a. `parts` are the folded names, outermost qualifier first.
struct ColumnRef : Expr {
  ColumnRef() : Expr(ExprKind::kColumnRef) {}
  std::vector<std::string> parts;
};

// `*` or `t.*` in a select list.
struct Star : Expr {
  Star() : Expr(ExprKind::kStar) {}
  std::vector<std::string> qualifier;  // empty for a bare *
};

// $n, or ? (numbered in order of appearance, continuing after the highest $n seen so far).
struct Param : Expr {
  Param() : Expr(ExprKind::kParam) {}
  uint32_t index = 0;  // 1-based
};

enum class UnaryOp : uint8_t { kMinus, kPlus, kNot, kBitNot };

struct Unary : Expr {
  Unary() : Expr(ExprKind::kUnary) {}
  UnaryOp op = UnaryOp::kMinus;
  ExprPtr operand;
};

enum class BinaryOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kConcat,
  kEq,
  kNotEq,
  kLt,
  kLtEq,
  kGt,
  kGtEq,
  kAnd,
  kOr,
  kBitAnd,
  kBitOr,
  kShiftLeft,
  kShiftRight,
};

struct Binary : Expr {
  Binary() : Expr(ExprKind::kBinary) {}
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr left;
  ExprPtr right;
};

// x IS [NOT] NULL, x ISNULL, x NOTNULL, x NOT NULL.
struct IsNull : Expr {
  IsNull() : Expr(ExprKind::kIsNull) {}
  bool negated = false;
  ExprPtr operand;
};

enum class BoolTest : uint8_t { kTrue, kFalse, kUnknown };

// x IS [NOT] TRUE | FALSE | UNKNOWN.
struct IsBool : Expr {
  IsBool() : Expr(ExprKind::kIsBool) {}
  bool negated = false;
  BoolTest test = BoolTest::kTrue;
  ExprPtr operand;
};

// x IS [NOT] DISTINCT FROM y. `negated` is IS NOT DISTINCT FROM (null-safe equality).
struct IsDistinct : Expr {
  IsDistinct() : Expr(ExprKind::kIsDistinct) {}
  bool negated = false;
  ExprPtr left;
  ExprPtr right;
};

struct Between : Expr {
  Between() : Expr(ExprKind::kBetween) {}
  bool negated = false;
  ExprPtr operand;
  ExprPtr low;
  ExprPtr high;
};

// x [NOT] IN (a, b, ...). The list may be empty (SQLite accepts `x IN ()`).
struct InList : Expr {
  InList() : Expr(ExprKind::kInList) {}
  bool negated = false;
  ExprPtr operand;
  std::vector<ExprPtr> list;
};

// x [NOT] IN (SELECT ...). SQLite's `x IN tablename` arrives here as `x IN (SELECT * FROM t)`.
struct InQuery : Expr {
  InQuery() : Expr(ExprKind::kInQuery) {}
  bool negated = false;
  ExprPtr operand;
  QueryPtr query;
};

enum class LikeKind : uint8_t { kLike, kILike };

struct Like : Expr {
  Like() : Expr(ExprKind::kLike) {}
  LikeKind like_kind = LikeKind::kLike;
  bool negated = false;
  ExprPtr operand;
  ExprPtr pattern;
  ExprPtr escape;  // may be null
};

struct WhenClause {
  ExprPtr when;
  ExprPtr then;
};

struct Case : Expr {
  Case() : Expr(ExprKind::kCase) {}
  ExprPtr operand;  // CASE operand WHEN ...; null for the searched form
  std::vector<WhenClause> whens;
  ExprPtr else_result;  // may be null
};

// A type as written: `varchar(30)` is name "varchar", modifiers {"30"}; `double precision` is
// name "double precision". Names are folded to lower case.
struct TypeName {
  std::string name;
  std::vector<std::string> modifiers;
  SourceSpan span;
};

// CAST(x AS t) and x::t.
struct Cast : Expr {
  Cast() : Expr(ExprKind::kCast) {}
  ExprPtr operand;
  TypeName type;
};

struct Collate : Expr {
  Collate() : Expr(ExprKind::kCollate) {}
  ExprPtr operand;
  std::string collation;  // folded
};

enum class SortDirection : uint8_t { kDefault, kAsc, kDesc };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

struct OrderItem {
  ExprPtr expr;
  SortDirection direction = SortDirection::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
  SourceSpan span;
};

// OVER (PARTITION BY ... ORDER BY ... [frame]). The frame clause is kept as text: it is passed
// through to the backend unchanged.
struct WindowSpec {
  std::string name;  // OVER w: a named window; empty otherwise
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::string frame;  // e.g. "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"; empty if none
};

struct Function : Expr {
  Function() : Expr(ExprKind::kFunction) {}
  std::string name;  // folded; a qualified name is joined with '.'
  std::vector<ExprPtr> args;
  bool distinct = false;             // count(DISTINCT x)
  bool star = false;                 // count(*)
  ExprPtr filter;                    // FILTER (WHERE ...); may be null
  std::unique_ptr<WindowSpec> over;  // null unless a window function call
};

struct Exists : Expr {
  Exists() : Expr(ExprKind::kExists) {}
  QueryPtr query;
};

// (SELECT ...) used as a value.
struct Subquery : Expr {
  Subquery() : Expr(ExprKind::kSubquery) {}
  QueryPtr query;
};

enum class Quantifier : uint8_t { kAny, kAll };

// x op ANY (SELECT ...), x op ALL (SELECT ...). SOME is ANY.
struct Quantified : Expr {
  Quantified() : Expr(ExprKind::kQuantified) {}
  BinaryOp op = BinaryOp::kEq;  // a comparison operator
  Quantifier quantifier = Quantifier::kAny;
  ExprPtr left;
  QueryPtr query;
};

// ---------------------------------------------------------------------------------------------
// Queries

struct Query;

enum class TableRefKind : uint8_t { kNamed, kDerived, kJoin };

struct TableRef {
  explicit TableRef(TableRefKind kind) : kind(kind) {}
  virtual ~TableRef() = default;
  template <typename T>
  T& As() {
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }
  const TableRefKind kind;
  SourceSpan span;
};
using TableRefPtr = std::unique_ptr<TableRef>;

// A table, view or CTE by name: `orders`, `orders AS o`, `orders o (a, b)`.
struct NamedTable : TableRef {
  NamedTable() : TableRef(TableRefKind::kNamed) {}
  std::vector<std::string> name;  // qualified parts, folded
  std::string alias;              // empty if none
  std::vector<std::string> column_aliases;
};

// (SELECT ...) AS alias [(columns)]. PostgreSQL requires the alias; SQLite does not, so it may
// be empty.
struct DerivedTable : TableRef {
  DerivedTable() : TableRef(TableRefKind::kDerived) {}
  QueryPtr query;
  std::string alias;
  std::vector<std::string> column_aliases;
};

enum class JoinKind : uint8_t { kInner, kLeft, kRight, kFull, kCross };

struct JoinRef : TableRef {
  JoinRef() : TableRef(TableRefKind::kJoin) {}
  JoinKind join_kind = JoinKind::kInner;
  bool natural = false;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr on;                              // JOIN ... ON expr; null otherwise
  std::vector<std::string> using_columns;  // JOIN ... USING (a, b)
};

struct SelectItem {
  ExprPtr expr;       // a Star for * and t.*
  std::string alias;  // empty if none
  bool has_alias = false;
  SourceSpan span;
};

struct SelectCore {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::vector<TableRefPtr> from;  // comma-separated FROM items; empty without FROM
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<std::pair<std::string, std::unique_ptr<WindowSpec>>> windows;  // WINDOW w AS (...)
};

enum class QueryBodyKind : uint8_t { kSelect, kValues, kSetOp, kNested };
enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

struct QueryBody;
using QueryBodyPtr = std::unique_ptr<QueryBody>;

struct QueryBody {
  QueryBodyKind kind = QueryBodyKind::kSelect;
  SourceSpan span;
  // kSelect
  std::unique_ptr<SelectCore> select;
  // kValues: VALUES (...), (...)
  std::vector<std::vector<ExprPtr>> values;
  // kSetOp: left op [ALL] right. INTERSECT binds tighter than UNION and EXCEPT (PostgreSQL).
  SetOpKind set_op = SetOpKind::kUnion;
  bool all = false;
  QueryBodyPtr left;
  QueryBodyPtr right;
  // kNested: a parenthesised query with its own ORDER BY / LIMIT.
  QueryPtr nested;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_names;
  QueryPtr query;
  SourceSpan span;
};

struct Query {
  std::vector<CommonTableExpr> with;  // non-recursive WITH
  QueryBodyPtr body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;   // may be null
  ExprPtr offset;  // may be null
  SourceSpan span;
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class StatementKind : uint8_t {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kCreateTable,
  kCreateIndex,
  kCreateView,
  kDrop,
  kTransaction,
  kExplain,
  kSet,
  kShow,
  kPrepare,
  kExecute,
  kDeallocate,
  kAnalyze,
  kUnsupported,
};

struct Statement {
  explicit Statement(StatementKind kind) : kind(kind) {}
  virtual ~Statement() = default;
  template <typename T>
  T& As() {
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }
  const StatementKind kind;
  SourceSpan span;  // the statement's text, without the terminating ';'
};
using StatementPtr = std::unique_ptr<Statement>;

struct SelectStatement : Statement {
  SelectStatement() : Statement(StatementKind::kSelect) {}
  QueryPtr query;
};

struct InsertStatement : Statement {
  InsertStatement() : Statement(StatementKind::kInsert) {}
  std::vector<std::string> table;
  std::string alias;
  std::vector<std::string> columns;  // empty: all columns in order
  QueryPtr source;                   // VALUES or SELECT; null with DEFAULT VALUES
  bool default_values = false;
};

struct Assignment {
  std::string column;
  ExprPtr value;  // null for SET col = DEFAULT
  SourceSpan span;
};

struct UpdateStatement : Statement {
  UpdateStatement() : Statement(StatementKind::kUpdate) {}
  std::vector<std::string> table;
  std::string alias;
  std::vector<Assignment> assignments;
  ExprPtr where;
};

struct DeleteStatement : Statement {
  DeleteStatement() : Statement(StatementKind::kDelete) {}
  std::vector<std::string> table;
  std::string alias;
  ExprPtr where;
};

struct ColumnDef {
  std::string name;
  std::optional<TypeName> type;  // SQLite allows a column without a type
  bool not_null = false;
  bool primary_key = false;
  bool primary_key_desc = false;
  bool autoincrement = false;
  bool unique = false;
  ExprPtr default_value;  // may be null
  std::string collation;  // empty if none
  std::vector<ExprPtr> checks;
  SourceSpan span;
};

enum class TableConstraintKind : uint8_t { kPrimaryKey, kUnique, kCheck, kForeignKey };

struct TableConstraint {
  TableConstraintKind kind = TableConstraintKind::kPrimaryKey;
  std::string name;                    // CONSTRAINT name; empty if none
  std::vector<std::string> columns;    // PRIMARY KEY / UNIQUE / FOREIGN KEY columns
  ExprPtr check;                       // CHECK (expr)
  std::vector<std::string> ref_table;  // FOREIGN KEY ... REFERENCES t (cols)
  std::vector<std::string> ref_columns;
  SourceSpan span;
};

enum class DistributionKind : uint8_t { kNone, kHash, kReference };

struct DistributionClause {
  DistributionKind kind = DistributionKind::kNone;  // kNone: no DISTRIBUTE BY clause
  std::string column;                               // kHash
  SourceSpan span;
};

struct CreateTableStatement : Statement {
  CreateTableStatement() : Statement(StatementKind::kCreateTable) {}
  std::vector<std::string> table;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<TableConstraint> constraints;
  DistributionClause distribution;
};

struct IndexColumn {
  ExprPtr expr;  // a ColumnRef for a plain column
  std::string collation;
  SortDirection direction = SortDirection::kDefault;
  SourceSpan span;
};

struct CreateIndexStatement : Statement {
  CreateIndexStatement() : Statement(StatementKind::kCreateIndex) {}
  bool unique = false;
  bool if_not_exists = false;
  std::string name;  // may be empty (PostgreSQL allows CREATE INDEX ON t (...))
  std::vector<std::string> table;
  std::vector<IndexColumn> columns;
  ExprPtr where;  // partial index predicate; may be null
};

struct CreateViewStatement : Statement {
  CreateViewStatement() : Statement(StatementKind::kCreateView) {}
  std::vector<std::string> name;
  bool if_not_exists = false;
  bool or_replace = false;
  bool temporary = false;
  std::vector<std::string> column_names;
  QueryPtr query;
  std::string query_text;  // the defining query as written, stored in the catalog
};

enum class ObjectKind : uint8_t { kTable, kIndex, kView };

struct DropStatement : Statement {
  DropStatement() : Statement(StatementKind::kDrop) {}
  ObjectKind object = ObjectKind::kTable;
  bool if_exists = false;
  std::vector<std::vector<std::string>> names;
  bool cascade = false;
};

enum class TransactionOp : uint8_t { kBegin, kCommit, kRollback };

struct TransactionStatement : Statement {
  TransactionStatement() : Statement(StatementKind::kTransaction) {}
  TransactionOp op = TransactionOp::kBegin;
};

struct ExplainStatement : Statement {
  ExplainStatement() : Statement(StatementKind::kExplain) {}
  bool analyze = false;
  bool verbose = false;
  bool costs = true;  // COSTS: the cost model's estimates
  StatementPtr statement;
};

// SET name = value | SET name TO value | SET name TO DEFAULT. RESET name is SET name TO DEFAULT.
struct SetStatement : Statement {
  SetStatement() : Statement(StatementKind::kSet) {}
  std::string name;             // folded
  std::vector<ExprPtr> values;  // a list: SET search_path = a, b; identifiers arrive as strings
  bool to_default = false;
  bool local = false;
};

struct ShowStatement : Statement {
  ShowStatement() : Statement(StatementKind::kShow) {}
  std::string name;  // folded; "all" for SHOW ALL
};

// PREPARE name [(type, ...)] AS statement
struct PrepareStatement : Statement {
  PrepareStatement() : Statement(StatementKind::kPrepare) {}
  std::string name;  // folded
  std::vector<TypeName> param_types;
  StatementPtr statement;
};

// EXECUTE name [(value, ...)]
struct ExecuteStatement : Statement {
  ExecuteStatement() : Statement(StatementKind::kExecute) {}
  std::string name;
  std::vector<ExprPtr> args;
};

// DEALLOCATE [PREPARE] name | ALL
struct DeallocateStatement : Statement {
  DeallocateStatement() : Statement(StatementKind::kDeallocate) {}
  std::string name;  // empty for ALL
  bool all = false;
};

// ANALYZE [VERBOSE] [table, ...]: every table when none is named.
struct AnalyzeStatement : Statement {
  AnalyzeStatement() : Statement(StatementKind::kAnalyze) {}
  bool verbose = false;
  std::vector<std::vector<std::string>> tables;
};

// Statements the grammar recognises only to refuse them clearly (SQLite's CREATE TRIGGER,
// REINDEX, INSERT OR REPLACE, REPLACE INTO, ...): executing one raises 0A000 naming `feature`.
struct UnsupportedStatement : Statement {
  UnsupportedStatement() : Statement(StatementKind::kUnsupported) {}
  std::string feature;  // e.g. "CREATE TRIGGER"
};

// ---------------------------------------------------------------------------------------------

const char* ToString(BinaryOp op);  // the SQL spelling: "+", "=", "AND", ...
const char* ToString(UnaryOp op);   // "-", "+", "NOT", "~"
const char* ToString(JoinKind kind);
const char* ToString(SetOpKind kind);
const char* ToString(StatementKind kind);

// A readable, deterministic S-expression of a statement, used by the parse golden tests.
std::string DebugString(const Statement& statement);
std::string DebugString(const Expr& expr);

}  // namespace shardql::ast
