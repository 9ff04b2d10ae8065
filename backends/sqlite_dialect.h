#pragma once
// SQLite's rules: its types (backends/sqlite_types.h), its ordering of values, its type affinity,
// its SUM and AVG, its REAL formatting, how it keys shards, and the SQL it accepts. Where a rule is
// subtle (text to number conversion under affinity) the dialect asks a private in-memory SQLite to
// apply it, so the router can never disagree with the shards.

#include <memory>
#include <mutex>

#include "backends/sqlite_functions.h"
#include "backends/sqlite_types.h"
#include "planner/dialect.h"

struct sqlite3;
struct sqlite3_stmt;

namespace shardql {

class SqliteDialect : public Dialect {
 public:
  SqliteDialect();
  ~SqliteDialect() override;

  const char* name() const override { return "sqlite"; }
  const FunctionCatalog& Functions() const override { return SqliteFunctions(); }
  bool AllowsBareColumns() const override { return true; }
  bool NativeTemporalTypes() const override { return false; }
  // A sample of each index (analysis_limit) is enough for join order, and cheap on large loads.
  std::string AnalyzeSql() const override { return "PRAGMA analysis_limit = 1000; ANALYZE"; }
  std::optional<LikeBounds> LikePrefixBounds(const ExprType& column, ast::LikeKind kind,
                                             std::string_view prefix,
                                             bool whole_pattern) const override;
  std::optional<LikeBounds> SubstrPrefixBounds(const ExprType& column,
                                               std::string_view prefix) const override;
  bool LikeServedByIndex(const ExprType& column) const override;
  std::string GatherStatisticsSql(const TableInfo& table) const override;
  std::string ColumnSummarySql(const TableInfo& table) const override;
  std::string IndexColumnsSql(const TableInfo& table) const override;
  std::string IndexDistinctSql(const TableInfo& table) const override;
  std::string SampleSql(const TableInfo& table) const override;

  SqlType ResolveType(std::string_view declared) const override { return SqliteTypeOf(declared); }
  std::string RenderType(const SqlType& type) const override;
  std::string RenderColumnDefinition(const std::string& name, const SqlType& type,
                                     Collation collation) const override;
  std::optional<Collation> FindCollation(std::string_view name) const override;
  Collation ComparisonCollation(const ExprType& left, const ExprType& right) const override;

  int Compare(const Value& a, const Value& b, Collation collation) const override;
  bool NullsFirstWhenAscending() const override { return true; }
  Value CombineSum(const Value& a, const Value& b) const override;
  Value FinishAvg(const Value& total, const Value& count) const override;
  void AppendGroupKey(const Value& v, Collation collation, std::string& out) const override;
  std::string FormatValue(const Value& v) const override;

  Value StoredValue(const Value& v, const SqlType& type) const override {
    return ApplyAffinity(v, SqliteAffinity(type));
  }
  uint64_t KeyHash(const Value& stored, Collation collation) const override;
  bool ComparesAsStored(const ExprType& column, const ExprType& other,
                        Collation key_collation) const override;
  bool EqualityHashesAlike(const ExprType& a, const ExprType& b) const override;

  // The value a column of `affinity` stores for `v`.
  Value ApplyAffinity(const Value& v, Affinity affinity) const;

  std::string RenderPlan(const plan::PlanNode& root,
                         const plan::ColumnTable& columns) const override;
  std::string ListTablesSql() const override;
  std::string ListIndexesSql() const override;
  std::string RenderCreateTable(const TableInfo& table) const override;
  std::string RenderCreateIndex(const IndexInfo& index) const override;
  std::string RenderDropTable(const std::string& table) const override;
  std::string RenderDropIndex(const std::string& index) const override;
  std::string QuoteIdentifier(const std::string& name) const override;
  std::string TempTableName(const std::string& name) const override;
  std::string RenderTempTableIndex(const std::string& table, const std::string& index,
                                   const std::string& quoted_column) const override;
  std::string RenderDefaultRows(const std::string& default_sql, size_t count) const override;
  std::string Placeholder(uint32_t index) const override { return "?" + std::to_string(index); }
  // SQLite looks each numbered ?N's name up in a list as it compiles the statement (linear per
  // placeholder: quadratic for a 500-row INSERT); an anonymous ? takes the next number free.
  std::string SequentialPlaceholder(uint32_t) const override { return "?"; }
  std::string QuoteLiteral(const Value& value) const override;
  std::optional<Value> DecimalLiteralValue(std::string_view numeral) const override;

 private:
  // The slow path of ApplyAffinity: SQLite itself converts the value.
  Value ApplyAffinityWithSqlite(const Value& v, Affinity affinity) const;

  mutable std::mutex mutex_;
  sqlite3* scratch_ = nullptr;  // in-memory, for affinity conversions
  sqlite3_stmt* store_[5] = {};
  sqlite3_stmt* load_[5] = {};
  sqlite3_stmt* real_ = nullptr;  // SELECT CAST(?1 AS REAL): SQLite's own reading of a numeral
};

// SQLite's text form of a REAL ("%!.15g": 1.0, 0.1, 1.0e+20).
std::string SqliteRealText(double d);

}  // namespace shardql
