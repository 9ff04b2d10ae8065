#pragma once
// A Dialect is one backend kind's rules, in one object: how it compares and combines values (the
// router's merges must follow the backend, not C++), and how a plan fragment is written as SQL it
// accepts. The planner and executor see only this interface; backends/ implements it (SQLite now,
// PostgreSQL later).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planner/catalog.h"
#include "planner/function_catalog.h"
#include "planner/logical_plan.h"
#include "planner/types.h"
#include "planner/value.h"

namespace shardql {

class Dialect {
 public:
  virtual ~Dialect() = default;

  // The engine name sqllogictest's skipif/onlyif use: "sqlite", "postgresql".
  virtual const char* name() const = 0;

  // The backend's functions: aggregates, volatility, two-phase splits.
  virtual const FunctionCatalog& Functions() const = 0;
  // Whether a column outside any aggregate of a grouped query is allowed, reading one row of its
  // group (SQLite's bare columns); else it is 42803, as in PostgreSQL.
  virtual bool AllowsBareColumns() const = 0;
  // Whether the backend has PostgreSQL's date, time, timestamp and interval types itself. When it
  // does not (SQLite keeps them as ISO-8601 text), the router folds constant date/time
  // expressions and lets through only what the dialect renders with PostgreSQL's meaning.
  virtual bool NativeTemporalTypes() const = 0;

  // ---- Types

  // The type a declared type name stands for, as written in CREATE TABLE, CAST or PREPARE
  // ("varchar(20)", "double precision"). SQLite maps every name, as its affinity rules do.
  virtual SqlType ResolveType(std::string_view declared) const = 0;
  // A name of `type` in this backend's DDL, and a column definition with it (the merge engine's
  // tables): comparisons and storage in that column behave as in a column of `type`.
  virtual std::string RenderType(const SqlType& type) const = 0;
  virtual std::string RenderColumnDefinition(const std::string& name, const SqlType& type,
                                             Collation collation) const = 0;
  // The collation of a COLLATE clause's name; nullopt when the backend has none of that name.
  virtual std::optional<Collation> FindCollation(std::string_view name) const = 0;
  // The collation a comparison of `left` with `right` uses.
  virtual Collation ComparisonCollation(const ExprType& left, const ExprType& right) const = 0;

  // ---- Values

  // Orders two values the way the backend's ORDER BY does with `collation`, NULLs included
  // (SQLite: NULL < numbers < text < blob). Negative, zero or positive.
  virtual int Compare(const Value& a, const Value& b, Collation collation) const = 0;
  // Whether NULL sorts first in an ascending ORDER BY without NULLS FIRST/LAST.
  virtual bool NullsFirstWhenAscending() const = 0;

  // Two-phase aggregation: the backend's own rules for merging per-shard partial results.
  // SUM of partial sums (integer overflow is the backend's error; a REAL anywhere makes it REAL).
  virtual Value CombineSum(const Value& a, const Value& b) const = 0;
  // AVG from a partial-sum total and a count.
  virtual Value FinishAvg(const Value& total, const Value& count) const = 0;

  // Appends bytes for `v` such that two values' bytes are equal exactly when the backend's
  // GROUP BY / DISTINCT would treat them as equal under `collation` (the router's hash merges key
  // on these bytes).
  virtual void AppendGroupKey(const Value& v, Collation collation, std::string& out) const = 0;

  // The text a front shows for a value (SQLite's own REAL formatting, for instance).
  virtual std::string FormatValue(const Value& v) const = 0;

  // ---- Shard keys: a row lives on the shard its stored key value hashes to.

  // The value a column of `type` stores for `v` (SQLite: after the column's type affinity).
  virtual Value StoredValue(const Value& v, const SqlType& type) const = 0;
  // The hash of a stored key value: values equal under `collation` hash equally. Rows are placed
  // by it, so it never changes.
  virtual uint64_t KeyHash(const Value& stored, Collation collation) const = 0;
  // Whether `column = other`, for a column of the key's type and a constant or parameter `other`,
  // compares StoredValue(other, key's type) with the column under `key_collation`: then the rows
  // it matches are on the shard of that value.
  virtual bool ComparesAsStored(const ExprType& column, const ExprType& other,
                                Collation key_collation) const = 0;
  // Whether `a = b` between two columns holds exactly when their stored values are equal under
  // one collation that both are hashed by: equal keys then live on the same shard.
  virtual bool EqualityHashesAlike(const ExprType& a, const ExprType& b) const = 0;

  // ---- SQL

  // SQL for a plan fragment whose result columns are exactly `root.outputs`, in order
  // (SELECT), or for an INSERT / UPDATE / DELETE plan.
  virtual std::string RenderPlan(const plan::PlanNode& root,
                                 const plan::ColumnTable& columns) const = 0;
  // What a shard holds, for `shardql check`: its tables (rows: name) and indexes (rows: name,
  // table), shardql's own and the backend's internal ones left out.
  virtual std::string ListTablesSql() const = 0;
  virtual std::string ListIndexesSql() const = 0;
  // DDL for a shard.
  virtual std::string RenderCreateTable(const TableInfo& table) const = 0;
  virtual std::string RenderCreateIndex(const IndexInfo& index) const = 0;
  virtual std::string RenderDropTable(const std::string& table) const = 0;
  virtual std::string RenderDropIndex(const std::string& index) const = 0;
  virtual std::string QuoteIdentifier(const std::string& name) const = 0;
  // A statement's temporary table on a shard connection, qualified by the connection's own
  // schema for them (SQLite's temp, PostgreSQL's pg_temp): `CREATE TABLE` under this name makes it
  // temporary, and no shard table of the same name is ever read or dropped in its place.
  virtual std::string TempTableName(const std::string& name) const = 0;
  // An index `index` on a temporary table's column (quoted).
  virtual std::string RenderTempTableIndex(const std::string& table, const std::string& index,
                                           const std::string& quoted_column) const = 0;
  // What gathers the merge engine's planner statistics over its loaded tables and indexes.
  virtual std::string AnalyzeSql() const = 0;

  // ---- LIKE and substr as ranges (rules/like_prefix_to_range.cpp, substr_prefix_to_range.cpp)
  struct LikeBounds {
    Value low, high;  // low <= column < high for every value the LIKE can match
    // The pattern has no wildcard and column = exact holds for every match: that instead.
    std::optional<Value> exact;
    // Values of another kind may match too (SQLite: blobs in a TEXT column): column >= this
    // takes in all of them, and none of the column's own kind.
    std::optional<Value> other_kinds_from;
  };
  // What `column LIKE 'prefix…'` implies about the column, for a pattern whose literal start is
  // `prefix` (escapes resolved; `whole_pattern`: it has no wildcard at all). The dialect may use a
  // shorter start than `prefix` (where its LIKE folds case, say). nullopt when no range is exact
  // for the column's type and collation.
  virtual std::optional<LikeBounds> LikePrefixBounds(const ExprType& column, ast::LikeKind kind,
                                                     std::string_view prefix,
                                                     bool whole_pattern) const {
    return std::nullopt;
  }

  // What `substr(column, 1, n) = 'prefix'` implies about the column (rules/
  // substr_prefix_to_range.cpp): a range holding every value whose first n characters are
  // `prefix`, compared as the backend compares a function's result with a text constant.
  // nullopt when no range is exact for the column's type and collation.
  virtual std::optional<LikeBounds> SubstrPrefixBounds(const ExprType& column,
                                                       std::string_view prefix) const {
    return std::nullopt;
  }

  // Whether the backend serves `column LIKE 'lit…'` (a constant pattern not starting with a
  // wildcard) through an index on the column by itself (SQLite's LIKE optimization).
  virtual bool LikeServedByIndex(const ExprType& column) const { return false; }

  // ---- ANALYZE on a shard (planner/statistics_builder.h), each statement about one table.
  // Makes the backend gather its own statistics (it plans the shard's queries with them).
  virtual std::string GatherStatisticsSql(const TableInfo& table) const = 0;
  // One row: count(*), then count(c), min(c), max(c) for each column in order.
  virtual std::string ColumnSummarySql(const TableInfo& table) const = 0;
  // Rows (index, unique 0/1, column name or NULL for an expression), each index's columns in
  // order, leading column first.
  virtual std::string IndexColumnsSql(const TableInfo& table) const = 0;
  // Rows (index, distinct values of its leading column) from the backend's own statistics;
  // none when it keeps none.
  virtual std::string IndexDistinctSql(const TableInfo& table) const = 0;
  // Every column of up to $1 rows chosen at random.
  virtual std::string SampleSql(const TableInfo& table) const = 0;
  // A query giving `count` rows of one column, each a separate evaluation of the DEFAULT
  // expression `default_sql` (a volatile default differs per row, as in one database).
  virtual std::string RenderDefaultRows(const std::string& default_sql, size_t count) const = 0;
  // The placeholder for the index-th (1-based) bound value: ?1 in SQLite, $1 in PostgreSQL.
  virtual std::string Placeholder(uint32_t index) const = 0;
  // The same, in a statement whose placeholders appear once each, numbered 1, 2, 3, ... in order
  // (a multi-row INSERT): a dialect may use an anonymous one there.
  virtual std::string SequentialPlaceholder(uint32_t index) const { return Placeholder(index); }
  virtual std::string QuoteLiteral(const Value& value) const = 0;
  // The value a decimal numeral (4.2, .5, 1e9) has in this dialect, exactly as its own parser
  // reads it, so the numeral may be sent as a bound value instead (the plan cache's normaliser
  // does, in VALUES rows); nullopt when the dialect cannot say.
  virtual std::optional<Value> DecimalLiteralValue(std::string_view numeral) const {
    (void)numeral;
    return std::nullopt;
  }
};

}  // namespace shardql
