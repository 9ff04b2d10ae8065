#pragma once
// The plan cache in front of the pipeline (DESIGN.md): a statement planned before, against the
// same catalog version and the same plan-affecting settings, skips parse, bind and distribution
// and runs with its new parameter values. Statements that differ only in literals the normaliser
// turns into parameters share the plan of their normalised text. Plans are immutable once
// cached, so sessions share them; the least recently used go first.
//
// What the cache returns is exactly what PlanStatement returned for that text, so execution and
// EXPLAIN — both of which look plans up here — show and run the same plan. Plans are made with
// the parameter values known; one that was decided by where its parameters route (its guard)
// is found again only for values that route alike, and other values get a plan of their own: a
// cached plan is never coarser than planning those values afresh would give.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "planner/pipeline.h"

namespace shardql {

class PlanCache {
 public:
  // At most `capacity` texts, and about `memory_budget` bytes of plans: a plan's size grows with
  // its statement's text (a 500-row INSERT's plan is megabytes), so the cache weighs each by its
  // text and keeps a process's memory flat however many large statements it plans.
  explicit PlanCache(size_t capacity = 1024, size_t memory_budget = size_t{64} << 20)
      : capacity_(capacity), memory_budget_(memory_budget) {}
  // What an entry is counted as: its plans' size, estimated from the text's.
  static size_t Weight(const std::string& key, size_t variants);

  // The plan for `key` planned against `catalog_version` whose guard holds for `params`; null
  // otherwise.
  std::shared_ptr<const PlannedStatement> Find(const std::string& key, uint64_t catalog_version,
                                               const std::vector<Value>& params,
                                               const Dialect& dialect);
  void Insert(const std::string& key, std::shared_ptr<const PlannedStatement> plan);
  size_t size() const;

  // Plans kept per key, one per routing of its guarded parameters.
  static constexpr size_t kVariantsPerKey = 8;

 private:
  struct Entry {
    std::vector<std::shared_ptr<const PlannedStatement>> variants;  // newest first
    std::list<std::string>::iterator lru;
  };
  void Evict();  // the least recently used entry
  void ShrinkToBudget();

  mutable std::mutex mutex_;
  size_t capacity_;
  size_t memory_budget_;
  size_t weight_ = 0;  // of every entry
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;
};

// A plan and the parameter values to run it with: the caller's, or the literals the normaliser
// turned into parameters.
struct PlanLookup {
  std::shared_ptr<const PlannedStatement> plan;
  std::vector<Value> params;
};

// The cached plan for one statement's text, without parsing; nullopt on a miss.
std::optional<PlanLookup> FindCachedPlan(PlanCache& cache, std::string_view text,
                                         const std::vector<Value>& params,
                                         const PlanningContext& context);

// The plan for one statement's text: from the cache, or planned (its normalised text first) and
// cached. `parsed` is the text's statement when the caller has parsed it already. nullopt when
// the text is not one SELECT / INSERT / UPDATE / DELETE. Errors in the statement are thrown,
// their positions in `text`.
std::optional<PlanLookup> PlanThroughCache(PlanCache& cache, std::string_view text,
                                           const std::vector<Value>& params,
                                           const PlanningContext& context,
                                           const ast::Statement* parsed = nullptr);

}  // namespace shardql
