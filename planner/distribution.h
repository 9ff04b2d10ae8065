#pragma once
// Where a plan's rows live: a distribution property for every node, computed bottom-up
// (CockroachDB's distribution property, Calcite's RelDistribution).
//
//   replicated  any one shard has all of the subtree's rows: reference tables, VALUES, constants
//               (or the subtree reads no table at all);
//   sharded     the rows are spread over `choice`'s shards of one ring, each row on the shard its
//               key says; `keys` are the columns that still hold that key, so a join on them
//               stays shard-local. A sharded subtree whose choice is one shard is pinned: it can
//               run whole on that shard, whatever else it does;
//   router      no shard can compute the subtree on its own rows: the router must.
//
// Subqueries count where they are used: an expression whose subquery is pinned to a shard can
// run on that shard only; one over reference tables runs anywhere.
//
// Two subtrees pinned by different parameters meet on one shard only if the parameters' values
// route there. With the values known (`values`), the analysis compares the shards they route to
// and records each parameter it so decided by in `guard`: the plan is then only for values that
// route alike. Without them, different parameters count as different shards.
//
// The rules are the co-location conditions the distributor relies on: a filter, projection or
// sort keeps its input's distribution; a join of sharded inputs stays sharded only on an equality
// of both shard keys, under the keys' collation, on one ring; an aggregate, DISTINCT or window
// over several shards stays shard-local only when grouped, kept or partitioned by the key; a
// LIMIT over several shards needs the router.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"

namespace shardql {

struct Distribution {
  enum class Kind : uint8_t { kReplicated, kSharded, kRouter };
  Kind kind = Kind::kReplicated;
  // kSharded: the table whose ring places the rows. kReplicated: a reference table whose shards
  // hold them (null when the subtree reads no table).
  const TableInfo* ring_table = nullptr;
  std::set<plan::ColumnId> keys;  // kSharded
  SqlType key_type;  // the key column's type and collation: how its values are stored and hashed
  Collation key_collation;
  ShardChoice choice;  // kSharded: which shards can hold rows
  // kSharded, inside a correlated subquery: every row it reads has its shard key equal to this
  // column of an enclosing block (`WHERE l_orderkey = o_orderkey`), so for each enclosing row it
  // is on that row's shard. The enclosing block can evaluate it where it runs when that column is
  // one of its own keys.
  std::optional<plan::ColumnId> pinned_by_outer;
  std::vector<std::string> reasons;

  bool router() const { return kind == Kind::kRouter; }
  bool sharded() const { return kind == Kind::kSharded; }
  bool replicated() const { return kind == Kind::kReplicated; }
  // Every row is on one shard (or no shard has any): the subtree can run there whole.
  bool pinned() const;
  // "sharded on s0..s3 by orders.order_num", "pinned to s1", "replicated", "router": for EXPLAIN.
  std::string Describe(const plan::ColumnTable& columns) const;
};

// The statement's scans, the predicates that constrain each, and the distribution of every node,
// subquery plans included. Computed once per statement; the nodes must outlive it.
class DistributionAnalysis {
 public:
  DistributionAnalysis(const plan::PlanNode& root, const plan::ColumnTable& columns,
                       const Dialect& dialect, const std::vector<Value>* values = nullptr,
                       RoutingGuard* guard = nullptr);

  // Every scan of the statement, subqueries included, in plan order.
  const std::vector<const plan::ScanNode*>& scans() const { return scans_; }

  // The predicates every row a scan contributes must satisfy: WHERE conjuncts and inner-join ON
  // conditions up the scan's query block (and, through a subquery in a WHERE, the enclosing
  // block's), stopping where the scan becomes the null-supplying side of an outer join (past it,
  // dropping the scan's rows would add null-extended rows).
  std::vector<const plan::Expr*> ScanPredicates(const plan::ScanNode& scan) const;

  // The shards a hash-distributed scan needs, with a reason for EXPLAIN.
  ShardChoice Choice(const plan::ScanNode& scan, std::string* reason) const;

  // The distribution of `node` (a node of the analysed plan).
  const Distribution& Of(const plan::PlanNode& node);
  // Whether shards can evaluate `expr` where a node of distribution `at` runs: its subqueries
  // read only reference data, or data pinned with `at` to the same shard.
  bool Evaluable(const plan::Expr& expr, const Distribution& at);
  // Whether `in`, an `x IN (subquery)` that must be true for a row to count (a WHERE or ON
  // conjunct, or under AND / OR there), finds every row matching `x` on the shard where a row of
  // `at` is: `x` is one of `at`'s keys, and the subquery's rows are spread by its one column as
  // their key, on one ring, hashed alike. Where nothing matches, the shard says FALSE and one
  // database says FALSE or NULL: both reject the row.
  bool InSubqueryOnKey(const plan::Expr& in, const Distribution& at);

 private:
  struct Link {
    const plan::PlanNode* parent = nullptr;
    bool via_subquery = false;
  };
  void Index(const plan::PlanNode& node);
  Distribution Compute(const plan::PlanNode& node);
  Distribution ComputeJoin(const plan::JoinNode& join);
  // The node's own expressions folded into its distribution: a subquery pinned elsewhere, or
  // spread over shards, makes it router-only.
  Distribution WithExpressions(const plan::PlanNode& node, Distribution d);
  // Two inputs combined where nothing co-locates them by key: one must be replicated, or both
  // pinned to the same shard.
  std::optional<Distribution> Meet(const Distribution& a, const Distribution& b);
  // Two pinned distributions on the same one shard.
  bool SameShard(const Distribution& a, const Distribution& b);
  // Whether `inner`, pinned by an enclosing column, has all the rows it reads on the shard where
  // each row of `outer` is: that column is one of `outer`'s keys, on one ring, hashed alike.
  bool CorrelatedOnKey(const Distribution& outer, const Distribution& inner) const;
  // The enclosing block's column a scan in a correlated subquery equates its shard key with.
  std::optional<plan::ColumnId> OuterKeyEquality(const plan::ScanNode& scan, plan::ColumnId key);
  // The ring index a pinned distribution's shard has for the known values, recorded in the guard.
  std::optional<uint32_t> ShardOf(const Distribution& d);

  const plan::ColumnTable& columns_;
  const Dialect& dialect_;
  const std::vector<Value>* values_;
  RoutingGuard* guard_;
  std::vector<const plan::ScanNode*> scans_;
  std::map<const plan::PlanNode*, Link> parents_;
  std::map<const plan::PlanNode*, Distribution> memo_;
  std::map<const plan::PlanNode*, std::set<plan::ColumnId>> defined_;  // per subquery root
};

// Whether two tables are placed by the same ring (same shards, same virtual nodes).
bool SameRing(const TableInfo& a, const TableInfo& b);

// The route variant a shard choice on `table`'s ring gives.
RouteVariant VariantOf(const ShardChoice& choice, const TableInfo& table);

}  // namespace shardql
