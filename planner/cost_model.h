#pragma once
// The cost model for distributed plans: what a logical plan will cost once the distributor has cut
// it, in milliseconds of work on this machine. A subtree the shards can run on their own (its
// distribution is not "router") is one route: each shard it visits costs a fixed latency, reads
// rows (seeking through an index where a conjunct on an indexed column allows, scanning
// otherwise) and sends its result rows to the router. Above the routes, the router's merges cost
// per row that passes through them. Row counts come from ANALYZE's statistics, or from default
// figures when a table has none (Estimate::defaults).
//
// The constants (CostConstants) are measured by bench/calibrate_cost.py on this machine, not
// guessed. The model knows what the distributor does with a plan, no more: UNION ALL branches
// routed to the same shards visit each shard once (CombineBranchRoutes), a join co-located by
// the shard keys runs on the shards, a materialized (broadcast) side is computed once and copied
// to every shard the route visits, anything else is pulled into the router.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/catalog.h"
#include "planner/dialect.h"
#include "planner/logical_plan.h"
#include "planner/planner_settings.h"

namespace shardql {

struct CostConstants {
  double route_ms = 0;       // one shard visit: the statement sent, prepared, answered
  double scan_row_ms = 0;    // a shard reads one row of a table scan and tests its filter
  double seek_ms = 0;        // a shard descends an index once
  double seek_row_ms = 0;    // a shard reads one row found through an index
  double return_row_ms = 0;  // one row sent from a shard to the router
  double merge_row_ms = 0;   // one row through a merge in the router
  double ship_row_ms = 0;    // one row copied into a shard's temporary table (a broadcast)
};

// The constants bench/calibrate_cost.py measured (planner/cost_constants.cpp).
const CostConstants& MeasuredCostConstants();

struct Estimate {
  double rows = 0;          // rows the node produces, all shards together
  double cost = 0;          // milliseconds of work
  double shard_visits = 0;  // routes × shards each visits
  double rows_moved = 0;    // rows sent from shards to the router
  bool defaults = false;    // a table read has no statistics: default figures were used
};

// Estimates subtrees of one statement's plan. Not thread-safe; cheap to make.
class CostModel {
 public:
  CostModel(const CatalogSnapshot& catalog, const Dialect& dialect,
            const plan::ColumnTable& columns, const PlannerSettings& settings,
            const std::vector<Value>* params = nullptr,
            const CostConstants& constants = MeasuredCostConstants());

  // The cost of running `node`'s subtree as the distributor would.
  Estimate Of(const plan::PlanNode& node) const;

  // A table's rows (all shards; a reference table's one copy), from statistics or defaults.
  double TableRows(const TableInfo& table) const;
  // Whether an index on some shard is led by the column (or it is the rowid).
  bool Indexed(const TableInfo& table, int column) const;

  // The fraction of `input_rows` rows of `node`'s input that pass `predicate` (0..1).
  double Selectivity(const plan::Expr& predicate, const plan::PlanNode& input) const;

 private:
  const CatalogSnapshot& catalog_;
  const Dialect& dialect_;
  const plan::ColumnTable& columns_;
  const PlannerSettings& settings_;
  const std::vector<Value>* params_;
  const CostConstants& constants_;
};

// "rows=120 cost=0.84": how EXPLAIN prints an estimate.
std::string FormatEstimate(const Estimate& estimate);

}  // namespace shardql
