#include "backends/sqlite_functions.h"

namespace shardql {

namespace {

FunctionInfo Aggregate(const char* name, std::vector<std::string> partials,
                       FinalAggregateKind final, size_t arity = 0) {
  FunctionInfo f;
  f.name = name;
  f.aggregate = true;
  f.aggregate_arity = arity;
  f.partials = std::move(partials);
  f.final = final;
  return f;
}

// An aggregate whose result depends on every row at once, or on their order: it is computed
// where all the rows are.
FunctionInfo WholeAggregate(const char* name) {
  FunctionInfo f;
  f.name = name;
  f.aggregate = true;
  return f;
}

FunctionInfo VolatileFunction(const char* name) {
  FunctionInfo f;
  f.name = name;
  f.volatility = Volatility::kVolatile;
  return f;
}

}  // namespace

const FunctionCatalog& SqliteFunctions() {
  static const FunctionCatalog kCatalog({
      // SUM of integers stays exact and overflows as SQLite's does (Dialect::CombineSum); AVG is
      // TOTAL / COUNT, as SQLite computes it (a double sum).
      Aggregate("count", {"count"}, FinalAggregateKind::kCount),
      Aggregate("sum", {"sum"}, FinalAggregateKind::kSum),
      Aggregate("total", {"total"}, FinalAggregateKind::kTotal),
      Aggregate("avg", {"total", "count"}, FinalAggregateKind::kAvg),
      // min(a, b) with two arguments is SQLite's scalar minimum.
      Aggregate("min", {"min"}, FinalAggregateKind::kMin, 1),
      Aggregate("max", {"max"}, FinalAggregateKind::kMax, 1),
      WholeAggregate("group_concat"),
      WholeAggregate("string_agg"),
      WholeAggregate("bool_and"),
      WholeAggregate("bool_or"),
      WholeAggregate("every"),
      VolatileFunction("random"),
      VolatileFunction("randomblob"),
      VolatileFunction("changes"),
      VolatileFunction("last_insert_rowid"),
      VolatileFunction("total_changes"),
  });
  return kCatalog;
}

}  // namespace shardql
