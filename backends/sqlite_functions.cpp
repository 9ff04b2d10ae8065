#include "backends/sqlite_functions.h"

namespace shardql {

namespace {

// `result`: the type announced for the result; kUnknown with `of_argument`: the argument's.
FunctionInfo Aggregate(const char* name, std::vector<std::string> partials,
                       FinalAggregateKind final, TypeId result, bool of_argument = false,
                       size_t arity = 0) {
  FunctionInfo f;
  f.name = name;
  f.aggregate = true;
  f.aggregate_arity = arity;
  f.partials = std::move(partials);
  f.final = final;
  f.result = result;
  f.result_is_argument = of_argument;
  return f;
}

// An aggregate whose result depends on every row at once, or on their order: it is computed
// where all the rows are.
FunctionInfo WholeAggregate(const char* name, TypeId result) {
  FunctionInfo f;
  f.name = name;
  f.aggregate = true;
  f.result = result;
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
      Aggregate("count", {"count"}, FinalAggregateKind::kCount, TypeId::kInt8),
      Aggregate("sum", {"sum"}, FinalAggregateKind::kSum, TypeId::kUnknown, true),
      Aggregate("total", {"total"}, FinalAggregateKind::kTotal, TypeId::kFloat8),
      Aggregate("avg", {"total", "count"}, FinalAggregateKind::kAvg, TypeId::kFloat8),
      // min(a, b) with two arguments is SQLite's scalar minimum.
      Aggregate("min", {"min"}, FinalAggregateKind::kMin, TypeId::kUnknown, true, 1),
      Aggregate("max", {"max"}, FinalAggregateKind::kMax, TypeId::kUnknown, true, 1),
      WholeAggregate("group_concat", TypeId::kText),
      WholeAggregate("string_agg", TypeId::kText),
      WholeAggregate("bool_and", TypeId::kInt8),  // SQLite's booleans are integers
      WholeAggregate("bool_or", TypeId::kInt8),
      WholeAggregate("every", TypeId::kInt8),
      VolatileFunction("random"),
      VolatileFunction("randomblob"),
      VolatileFunction("changes"),
      VolatileFunction("last_insert_rowid"),
      VolatileFunction("total_changes"),
  });
  return kCatalog;
}

}  // namespace shardql
