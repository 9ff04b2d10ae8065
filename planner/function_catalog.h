#pragma once
// What the planner knows of a backend's functions, one catalog per dialect
// (Dialect::Functions): which calls are aggregates, which may answer differently for the same
// arguments (volatile: they must run once per row where one database would run them, never be
// repeated on several shards), and how an aggregate splits into partial aggregates each shard
// computes and the router's final step over them.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "planner/types.h"

namespace shardql {

enum class Volatility : uint8_t {
  kImmutable,  // the same arguments give the same value, always
  kStable,     // the same within one statement
  kVolatile,   // may differ from call to call: random(), changes()
};

// How the router finishes an aggregate from its shards' partials.
enum class FinalAggregateKind : uint8_t {
  kSum,    // SUM of partial sums
  kCount,  // a sum of partial counts that is 0, not NULL, when no shard saw a row
  kTotal,  // a sum that is 0.0, not NULL, when no shard saw a row
  kMin,
  kMax,
  kAvg,  // from a partial TOTAL and a partial COUNT
};

struct FunctionInfo {
  std::string name;
  Volatility volatility = Volatility::kImmutable;
  bool aggregate = false;
  // An aggregate only with this many arguments (SQLite's min(a, b) is a scalar); 0: any.
  size_t aggregate_arity = 0;
  // Two-phase aggregation: the aggregates each shard computes over the call's own arguments
  // ({"total", "count"} for avg), combined by `final`. Empty: the aggregate cannot be split (a
  // DISTINCT call never can).
  std::vector<std::string> partials;
  FinalAggregateKind final = FinalAggregateKind::kSum;
  // The type of the result, to announce to clients: fixed, or the first argument's.
  TypeId result = TypeId::kUnknown;
  bool result_is_argument = false;
};

class FunctionCatalog {
 public:
  explicit FunctionCatalog(std::vector<FunctionInfo> functions);

  // The function of this (lower-case) name; null when the catalog does not know it.
  const FunctionInfo* Find(std::string_view name) const;
  // Whether name(args) is an aggregate call (`arg_count` counts * as one argument).
  bool IsAggregate(std::string_view name, size_t arg_count) const;
  // Functions the catalog does not list are taken as immutable: the backend's own ones are
  // listed where they are not.
  Volatility VolatilityOf(std::string_view name) const;
  // The type a call's result is announced as; unknown when the catalog cannot say.
  SqlType ResultType(std::string_view name, const SqlType* first_argument) const;

 private:
  std::map<std::string, FunctionInfo, std::less<>> functions_;
};

}  // namespace shardql
