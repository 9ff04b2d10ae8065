#pragma once
// The plan cache in front of parsing (DESIGN.md): a statement whose text was planned before, against
// the same catalog version and planner settings, skips parse, bind and distribution and goes
// straight to routing with its new parameter values. Plans are immutable once cached, so sessions
// share them. Least recently used entries go first.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "grammar/ast.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"

namespace shardql {

struct CachedPlan {
  uint64_t catalog_version = 0;
  ast::StatementKind kind = ast::StatementKind::kSelect;
  plan::LogicalPlan logical;                       // INSERT / UPDATE / DELETE
  std::unique_ptr<const DistributedPlan> distributed;  // SELECT
};

class PlanCache {
 public:
  explicit PlanCache(size_t capacity = 1024) : capacity_(capacity) {}

  // The entry for `key` if it was planned against `catalog_version`; null otherwise.
  std::shared_ptr<const CachedPlan> Find(const std::string& key, uint64_t catalog_version);
  void Insert(const std::string& key, std::shared_ptr<const CachedPlan> plan);
  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const CachedPlan> plan;
    std::list<std::string>::iterator lru;
  };
  mutable std::mutex mutex_;
  size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;
};

}  // namespace shardql
