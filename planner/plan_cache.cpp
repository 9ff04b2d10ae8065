#include "planner/plan_cache.h"

namespace shardql {

std::shared_ptr<const CachedPlan> PlanCache::Find(const std::string& key, uint64_t catalog_version) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.plan->catalog_version != catalog_version) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.plan;
}

void PlanCache::Insert(const std::string& key, std::shared_ptr<const CachedPlan> plan) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.plan = std::move(plan);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.push_front(key);
  entries_[key] = {std::move(plan), lru_.begin()};
  if (entries_.size() > capacity_) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
}

size_t PlanCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace shardql
