#include "planner/plan_cache.h"

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/statement_normalizer.h"

namespace shardql {
namespace {

// The settings that change a plan are part of its key.
std::string CacheKey(std::string_view text, const PlanningContext& context) {
  std::string key(text);
  key += '\x01';
  key += context.settings->CacheKey();
  return key;
}

}  // namespace

std::shared_ptr<const PlannedStatement> PlanCache::Find(const std::string& key,
                                                        uint64_t catalog_version) {
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

void PlanCache::Insert(const std::string& key, std::shared_ptr<const PlannedStatement> plan) {
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

std::optional<PlanLookup> FindCachedPlan(PlanCache& cache, std::string_view text,
                                         const std::vector<Value>& params,
                                         const PlanningContext& context) {
  uint64_t version = context.catalog->version();
  if (auto plan = cache.Find(CacheKey(text, context), version)) return PlanLookup{plan, params};
  if (!params.empty()) return std::nullopt;
  std::optional<NormalizedStatement> normalized = NormalizeLiterals(text);
  if (!normalized) return std::nullopt;
  if (auto plan = cache.Find(CacheKey(normalized->text, context), version)) {
    return PlanLookup{plan, std::move(normalized->literals)};
  }
  return std::nullopt;
}

std::optional<PlanLookup> PlanThroughCache(PlanCache& cache, std::string_view text,
                                           const std::vector<Value>& params,
                                           const PlanningContext& context,
                                           const ast::Statement* parsed) {
  if (auto hit = FindCachedPlan(cache, text, params, context)) return hit;
  // Statements that differ only in literal values share the plan of their normalised text.
  if (params.empty()) {
    if (std::optional<NormalizedStatement> normalized = NormalizeLiterals(text)) {
      std::shared_ptr<PlannedStatement> planned;
      try {
        std::vector<ast::StatementPtr> statements = ParseSql(normalized->text);
        if (statements.size() == 1 && IsBindable(*statements[0])) {
          planned = PlanStatement(*statements[0], normalized->text, context);
        }
      } catch (const SqlError&) {
        // Planning the text as written reports the error where it is in that text.
      }
      if (planned) {
        cache.Insert(CacheKey(normalized->text, context), planned);
        return PlanLookup{std::move(planned), std::move(normalized->literals)};
      }
    }
  }
  std::vector<ast::StatementPtr> statements;
  if (!parsed) {
    statements = ParseSql(text);
    if (statements.size() != 1) return std::nullopt;
    parsed = statements[0].get();
  }
  if (!IsBindable(*parsed)) return std::nullopt;
  std::shared_ptr<PlannedStatement> planned = PlanStatement(*parsed, text, context);
  cache.Insert(CacheKey(text, context), planned);
  return PlanLookup{std::move(planned), params};
}

}  // namespace shardql
