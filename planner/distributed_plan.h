#pragma once
// The distributed plan: routes (which shards run which fragment) under a merge tree the router
// runs (Vitess's routes and primitives, ShardingSphere's merged results). A plan is a template:
// routes pruned by a parameter ($1) pick their shards when the statement executes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "planner/function_catalog.h"
#include "planner/hash_ring.h"
#include "planner/logical_plan.h"
#include "planner/types.h"

namespace shardql {

class Dialect;

enum class RouteVariant : uint8_t {
  kSingleShard,  // one shard, known at plan time or from a parameter
  kSomeShards,   // a pruned subset
  kAllShards,    // scatter
  kAnyShard,     // reference data: any one shard has all of it
  kNone,         // pruned to nothing: no shard runs (e.g. WHERE k IN ())
};

const char* ToString(RouteVariant variant);

// How a route's shards are chosen.
struct ShardChoice {
  // Indices into the ring's shards, known at plan time.
  std::vector<uint32_t> fixed;
  // Shard-key values held in parameters: each one adds the shard owning its value (as the key
  // column stores it), at execute time.
  std::vector<uint32_t> key_params;
  SqlType key_type;
  Collation key_collation;
  bool all = false;  // no pruning
};

struct MergeNode;

// A temporary table a route's shards read (a Materialize node of its fragment: a broadcast join's
// small side). The executor computes `source`'s rows once, then on each shard the route visits,
// on the connection that runs the route, creates the table, loads the rows and indexes
// `index_columns` before the route's statement, and drops it when the route is done, on every
// path.
struct ShardTempTable {
  std::string name;                             // as Dialect::TempTableName takes it
  std::vector<std::string> column_definitions;  // Dialect::RenderColumnDefinition
  std::vector<std::string> index_columns;       // quoted
  std::unique_ptr<MergeNode> source;
  double estimated_rows = 0;  // for EXPLAIN
};

struct Route {
  RouteVariant variant = RouteVariant::kAllShards;
  // The ring the shards are chosen on: the shard names in ring order.
  std::vector<std::string> ring_shards;
  std::shared_ptr<const HashRing> ring;
  ShardChoice choice;
  // The fragment every chosen shard runs, and its SQL in the backend's dialect.
  plan::PlanPtr fragment;
  std::string sql;
  // Per-shard SQL when shards run different text (IN lists split by shard): shard index → SQL.
  std::vector<std::pair<uint32_t, std::string>> per_shard_sql;
  size_t width = 0;  // columns each shard returns
  // One line on why these shards: "order_num = 1008 → s2", "no shard-key predicate", ...
  std::string reason;
  // Made on each of the route's shards before `sql` runs there.
  std::vector<ShardTempTable> temp_tables;
};

// A column of a merge's sort order.
struct MergeSortKey {
  size_t column = 0;
  bool descending = false;
  bool nulls_first = false;
  Collation collation;
  std::string label;  // the key as EXPLAIN shows it
};

struct FinalAggregate {
  FinalAggregateKind kind = FinalAggregateKind::kSum;
  size_t input = 0;        // the partial's column
  size_t count_input = 0;  // kAvg: the partial COUNT's column
  Collation collation;     // kMin / kMax
  std::string label;       // the aggregate as EXPLAIN shows it: "sum(b)"
};

// A table the general path loads into the merge engine before it runs the query there.

struct TempTableLoad {
  std::string table;  // created under the same name in the merge engine
  // Column definitions in the merge engine: name, type and collation in the dialect's DDL.
  std::vector<std::string> column_definitions;
  // The columns the fetched rows fill, in order: "rowid" first, so the merge engine scans rows in
  // the order one database would (its rowid order), then the columns defined above.
  std::vector<std::string> insert_columns;
  // Columns the query equates with another column (joins, correlated subqueries): each gets an
  // index once the rows are in, so the merge engine seeks where one database would.
  std::vector<std::string> index_columns;
  std::unique_ptr<Route> source;
  // Instead of `source`: the rows a merge of routes computes (an uncorrelated subquery the shards
  // answer on their own), loaded into a table without a rowid.
  std::unique_ptr<MergeNode> computed;
};

enum class MergeKind : uint8_t {
  kRoute,           // leaf: the route's shards' rows, as they arrive
  kGather,          // children's rows, in any order (UNION ALL)
  kMergeSort,       // children sorted by `sort_keys`: a k-way merge keeps the order
  kSort,            // sorts all its input in memory (merged groups)
  kLimit,           // the real LIMIT / OFFSET over a child that kept limit+offset rows per shard
  kFinalAggregate,  // two-phase aggregation's second phase
  kDistinct,
  kProject,     // picks columns (drops hidden sort keys, reorders)
  kLocalQuery,  // the general path: loads, then `sql` in the merge engine
};

const char* ToString(MergeKind kind);

struct MergeNode {
  MergeKind kind = MergeKind::kGather;
  std::vector<std::unique_ptr<MergeNode>> children;

  std::unique_ptr<Route> route;              // kRoute
  std::vector<MergeSortKey> sort_keys;       // kMergeSort, kSort
  std::vector<Collation> column_collations;  // kDistinct: per column
  // kLimit: a constant, or a parameter index (1-based) when `*_param` is set.
  std::optional<int64_t> limit, offset;
  uint32_t limit_param = 0, offset_param = 0;
  // kFinalAggregate: the first `group_columns` input columns are the group key.
  size_t group_columns = 0;
  std::vector<Collation> group_collations;
  std::vector<FinalAggregate> aggregates;
  bool sort_groups = true;      // emit groups in key order, as one database's GROUP BY does
  std::vector<size_t> columns;  // kProject: input columns, in output order
  // kLocalQuery
  std::vector<TempTableLoad> loads;
  std::string sql;
  // The rows a kLocalQuery's first child (when it has one) feeds in come from a merge, into a table
  // named `child_table` with `child_columns`.
  std::string child_table;
  std::vector<std::string> child_columns;

  size_t width = 0;  // columns this node produces
};

enum class WriteKind : uint8_t {
  kInsert,
  kUpdate,
  kDelete,
  // An UPDATE that assigns a hash-distributed table's shard key: each shard reads its rows as they
  // will be and deletes them, then the rows are inserted where their new keys belong.
  kMoveRows,
};

const char* ToString(WriteKind kind);

struct DistributedPlan;

// A distributed INSERT / UPDATE / DELETE.
struct WritePlan {
  WriteKind kind = WriteKind::kInsert;
  std::shared_ptr<const TableInfo> table;

  // ---- INSERT (and the insert half of kMoveRows)
  // The table columns the rows fill, in order (kRowidColumn for the rowid the router assigns).
  std::vector<int> insert_columns;
  bool default_values = false;  // INSERT ... DEFAULT VALUES
  // VALUES rows of constants and parameters, read without running anything ...
  std::vector<std::vector<plan::ExprPtr>> literal_rows;
  // ... or the query whose rows are inserted, run before any row is written.
  std::unique_ptr<DistributedPlan> source;
  // The shard key is left out: its DEFAULT is evaluated for each row, then routes it.
  bool key_from_default = false;
  // The shard key is an INTEGER PRIMARY KEY left out; it is numbered like a NULL one: the router
  // gives it the largest key on any of the table's shards + 1, with all of them locked for
  // writing, as one SQLite database numbers rowids — never a shard on its own.
  bool key_numbered = false;
  // The router numbers the rows (a hashed table whose key is not its INTEGER PRIMARY KEY), so they
  // keep one database's insertion order across shards.
  bool router_numbers_rows = false;

  // ---- UPDATE / DELETE / kMoveRows: the shards and the statement each runs (for kMoveRows the
  // SELECT of the rows as they will be), then, for kMoveRows, the DELETE.
  std::unique_ptr<Route> route;
  std::string delete_sql;
  // kMoveRows of a key that is unique on its own: the SELECT's last column is each row's old key,
  // and the executor checks the new keys as one database would, row by row in rowid order.
  bool replays_key_check = false;
};

// The parameters whose shards a plan was specialised for: it was planned with their values known
// (literals the plan cache made parameters, or a portal's bound values), and decided from which
// shards they route to — two pinned tables meeting on one shard, or not. The plan holds for any
// values that put each of these parameters on the same shard again; the plan cache keeps one plan
// per such routing.
struct RoutingGuard {
  struct Entry {
    uint32_t param = 0;  // 1-based
    SqlType key_type;
    Collation key_collation;
    std::shared_ptr<const HashRing> ring;
    uint32_t shard = 0;  // the ring index the value routed to
  };
  std::vector<Entry> entries;

  bool empty() const { return entries.empty(); }
  void Add(Entry entry);
  void Merge(const RoutingGuard& other);
  // Whether `params` route every guarded parameter to the shard it routed to when planned.
  bool Holds(const std::vector<Value>& params, const Dialect& dialect) const;
};

struct DistributedPlan {
  std::unique_ptr<MergeNode> root;   // SELECT
  std::unique_ptr<WritePlan> write;  // INSERT / UPDATE / DELETE
  std::vector<plan::OutputColumn> output;
  uint32_t param_count = 0;
  // The strategy, for EXPLAIN: "single route", "scatter", "general path".
  std::string strategy;
  // Names and types of every column id the routes' fragments use.
  plan::ColumnTable columns;
  RoutingGuard guard;
};

}  // namespace shardql
