#include "planner/function_catalog.h"

namespace shardql {

FunctionCatalog::FunctionCatalog(std::vector<FunctionInfo> functions) {
  for (FunctionInfo& f : functions) {
    std::string name = f.name;
    functions_.emplace(std::move(name), std::move(f));
  }
}

const FunctionInfo* FunctionCatalog::Find(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

bool FunctionCatalog::IsAggregate(std::string_view name, size_t arg_count) const {
  const FunctionInfo* f = Find(name);
  return f && f->aggregate && (f->aggregate_arity == 0 || f->aggregate_arity == arg_count);
}

SqlType FunctionCatalog::ResultType(std::string_view name, const SqlType* first_argument) const {
  const FunctionInfo* f = Find(name);
  if (!f) return SqlType();
  if (f->result_is_argument) return first_argument ? *first_argument : SqlType();
  return SqlType(f->result);
}

Volatility FunctionCatalog::VolatilityOf(std::string_view name) const {
  const FunctionInfo* f = Find(name);
  return f ? f->volatility : Volatility::kImmutable;
}

}  // namespace shardql
