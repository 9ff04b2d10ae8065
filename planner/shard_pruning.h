#pragma once
// Shard pruning: which shards can hold the rows a scan of a hash-distributed table must read,
// from the predicates that constrain the scan's shard key — equality, IN lists, OR of those,
// parameters (resolved at execute time) and equalities with other columns that are themselves
// pinned (`a.k = b.k AND b.k = 5`). A predicate prunes only when comparing under it agrees with
// how the key was hashed: the key's own collation, and the other side compared as the key column
// stores it (Dialect::ComparesAsStored).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"

namespace shardql {

// The shard-key values a set of conjuncts allows, as constants and parameters; nullopt when the
// conjuncts do not restrict the key.
struct KeyValues {
  std::vector<Value> constants;
  std::vector<uint32_t> params;
  bool empty() const { return constants.empty() && params.empty(); }
};

class ShardPruner {
 public:
  explicit ShardPruner(const Dialect& dialect) : dialect_(dialect) {}

  // Adds the conjuncts of `predicate` (a WHERE or an inner join's ON) to what is known.
  void AddPredicate(const plan::Expr& predicate);

  // The values the column `key` (of type `type`) may take in a row that passes every predicate
  // added, or nullopt when it is unconstrained.
  std::optional<KeyValues> ValuesOf(plan::ColumnId key, const ExprType& type) const;

  // The shards of `ring` those values map to (indices, sorted, unique), with a reason for EXPLAIN.
  ShardChoice Choose(const std::optional<KeyValues>& values, const TableInfo& table,
                     const std::string& key_text, std::string* reason) const;

 private:
  std::optional<KeyValues> ValuesFrom(const plan::Expr& e, plan::ColumnId key,
                                      const ExprType& type) const;
  // The constant or parameter compared with a column of `key`'s class, when `e` is one.
  bool IsKeyColumn(const plan::Expr& e, plan::ColumnId key) const;
  plan::ColumnId Find(plan::ColumnId id) const;
  void Union(plan::ColumnId a, plan::ColumnId b);
  KeyValues Intersect(const KeyValues& a, const KeyValues& b, Collation collation) const;

  const Dialect& dialect_;
  std::vector<const plan::Expr*> conjuncts_;
  // Union-find over columns known equal (Dialect::EqualityHashesAlike: equal values hash alike).
  std::map<plan::ColumnId, plan::ColumnId> parent_;
};

// The shard index (in `table`'s ring) owning a key value, as the key column stores it.
uint32_t ShardIndexOfKey(const Value& key, const TableInfo& table, const Dialect& dialect);

// The ring indexes (sorted, unique) of the shards `choice` picks on `ring` for these parameter
// values: its fixed shards, and the owner of each key held in a parameter.
std::vector<uint32_t> ResolveShards(const ShardChoice& choice, const HashRing& ring,
                                    const std::vector<Value>& params, const Dialect& dialect);

}  // namespace shardql
