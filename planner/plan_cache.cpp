#include "planner/plan_cache.h"

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/statement_normalizer.h"

namespace shardql {
namespace {

// The settings that change a plan are part of its key.
std::string CacheKey(std::string_view text, const PlanningContext& context) {
  std::string key;
  key.reserve(text.size() + 16);
  key += text;
  key += '\x01';
  context.settings->AppendCacheKey(key);
  return key;
}

}  // namespace

std::shared_ptr<const PlannedStatement> PlanCache::Find(const std::string& key,
                                                        uint64_t catalog_version,
                                                        const std::vector<Value>& params,
                                                        const Dialect& dialect) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  Entry& entry = it->second;
  if (entry.variants.front()->catalog_version != catalog_version) {
    weight_ -= Weight(key, entry.variants.size());
    lru_.erase(entry.lru);
    entries_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, entry.lru);
  for (const auto& plan : entry.variants) {
    const RoutingGuard& guard = plan->distributed.guard;
    if (guard.empty() || guard.Holds(params, dialect)) return plan;
  }
  return nullptr;
}

void PlanCache::Insert(const std::string& key, std::shared_ptr<const PlannedStatement> plan) {
  if (plan->reads_clock) return;  // its now() is this execution's
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    Entry& entry = it->second;
    weight_ -= Weight(key, entry.variants.size());
    if (entry.variants.front()->catalog_version != plan->catalog_version) entry.variants.clear();
    entry.variants.insert(entry.variants.begin(), std::move(plan));
    if (entry.variants.size() > kVariantsPerKey) entry.variants.pop_back();
    weight_ += Weight(key, entry.variants.size());
    lru_.splice(lru_.begin(), lru_, entry.lru);
    ShrinkToBudget();
    return;
  }
  lru_.push_front(key);
  entries_[key] = {{std::move(plan)}, lru_.begin()};
  weight_ += Weight(key, 1);
  ShrinkToBudget();
  if (entries_.size() > capacity_) {
    Evict();
  }
}

size_t PlanCache::Weight(const std::string& key, size_t variants) {
  // Measured: a plan takes about 64 bytes per byte of its statement's text (a 500-row INSERT of
  // 60 KB, about 4 MB), plus what every plan has.
  return variants * (4096 + 64 * key.size());
}

void PlanCache::Evict() {
  auto it = entries_.find(lru_.back());
  weight_ -= Weight(it->first, it->second.variants.size());
  entries_.erase(it);
  lru_.pop_back();
}

void PlanCache::ShrinkToBudget() {
  // The newest entry stays even alone over the budget: it is about to run.
  while (weight_ > memory_budget_ && entries_.size() > 1)
    Evict();
}

size_t PlanCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::optional<PlanLookup> FindCachedPlan(PlanCache& cache, std::string_view text,
                                         const std::vector<Value>& params,
                                         const PlanningContext& context) {
  uint64_t version = context.catalog->version();
  const Dialect& dialect = *context.dialect;
  if (auto plan = cache.Find(CacheKey(text, context), version, params, dialect)) {
    return PlanLookup{plan, params};
  }
  if (!params.empty()) return std::nullopt;
  std::optional<NormalizedStatement> normalized = NormalizeLiterals(text, context.dialect);
  if (!normalized) return std::nullopt;
  if (auto plan =
          cache.Find(CacheKey(normalized->text, context), version, normalized->literals, dialect)) {
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
    if (std::optional<NormalizedStatement> normalized = NormalizeLiterals(text, context.dialect)) {
      std::shared_ptr<PlannedStatement> planned;
      try {
        std::vector<ast::StatementPtr> statements = ParseSql(normalized->text);
        if (statements.size() == 1 && IsBindable(*statements[0])) {
          PlanningContext with_values = context;
          with_values.param_values = &normalized->literals;
          planned = PlanStatement(*statements[0], normalized->text, with_values);
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
  PlanningContext with_values = context;
  with_values.param_values = &params;
  std::shared_ptr<PlannedStatement> planned = PlanStatement(*parsed, text, with_values);
  cache.Insert(CacheKey(text, context), planned);
  return PlanLookup{std::move(planned), params};
}

}  // namespace shardql
