#pragma once
// The distributor's named steps: the rewrites it makes while it cuts a plan into routes and a
// merge tree. Each is an optimisation like a rule — switchable by name (SET disabled_rules),
// recorded in the trace with one line of why — and each falls back to a slower exact plan when
// switched off or when its safety condition fails.

#include <string_view>
#include <vector>

namespace shardql {

struct DistributionStep {
  const char* name;
  const char* rationale;
};

// Each shard of a route pruned by an IN list on the shard key receives only the values it owns.
inline constexpr DistributionStep kSplitInListPerShard{
    "SplitInListPerShard", "each shard is sent only the IN-list values it owns"};
// LIMIT n OFFSET m: each shard returns at most n + m rows, the router applies the real limit.
// Safe only when each shard's rows are already the block's final rows in the final order: the
// shards also apply the block's DISTINCT and ORDER BY.
inline constexpr DistributionStep kPushLimitToShards{
    "PushLimitToShards", "each shard returns at most LIMIT + OFFSET rows"};
// ORDER BY: each shard sorts and the router k-way merges the sorted streams, holding one batch
// per shard instead of every row.
inline constexpr DistributionStep kMergeSortedShards{
    "MergeSortedShards", "shards sort, the router merges their sorted streams"};
// DISTINCT: each shard removes its own duplicates before the router removes the rest.
inline constexpr DistributionStep kPushDistinctToShards{"PushDistinctToShards",
                                                        "shards remove their own duplicates first"};
// Aggregates over a co-located FROM: partial aggregates per group on each shard, combined by the
// router with the dialect's rules (COUNT as a sum of counts, MIN/MAX under the collation).
inline constexpr DistributionStep kAggregateInTwoPhases{
    "AggregateInTwoPhases", "shards aggregate their rows, the router combines the partials"};
// AVG in two-phase aggregation: each shard computes TOTAL and COUNT, the router divides.
inline constexpr DistributionStep kSplitAvgIntoTotalAndCount{
    "SplitAvgIntoTotalAndCount", "AVG runs as TOTAL and COUNT on each shard"};

// UNION ALL (and UNION) of branches that can each be distributed on their own: the router gathers
// the branches' plans (removing duplicates for UNION) instead of loading every table into the
// merge engine.
inline constexpr DistributionStep kGatherSetOperation{
    "GatherSetOperation", "each branch of a UNION runs on its own shards, the router gathers"};
// UNION ALL branches routed to shards of one ring, with the shards known when planning: each
// shard is visited once and runs the UNION ALL of the branches that reach it, so the branches of
// SplitOrToUnion cost no more visits than the OR did. Safe because UNION ALL keeps every row of
// every branch, whichever shard computes it, and the router's merge above sees the same rows.
inline constexpr DistributionStep kCombineBranchRoutes{
    "CombineBranchRoutes", "UNION ALL branches on the same shards visit each shard once"};

// The general path's fetch of a table joined on the shard key with others (or read by a subquery
// correlated on it) keeps only the rows with a partner on their own shard: a semi-join each shard
// runs, where the partner's key is indexed.
inline constexpr DistributionStep kSemiJoinCoLocatedFetches{
    "SemiJoinCoLocatedFetches", "a fetch keeps only rows with a co-located join partner"};
// An uncorrelated subquery of a general-path statement that the shards answer on their own (one
// route, a scatter, a two-phase aggregate) runs there; only its result is loaded into the merge
// engine, instead of the tables it reads.
inline constexpr DistributionStep kAnswerSubqueriesOnShards{
    "AnswerSubqueriesOnShards",
    "the shards compute an uncorrelated subquery, the router loads its rows"};

// A CTE a general-path statement reads more than once, the same computation in every reference,
// is computed once by the shards and loaded into one merge-engine table all references read
// (MaterializeTempTable's other half: the rule copies to shards, this step to the router).
inline constexpr DistributionStep kComputeSharedCtesOnce{
    "ComputeSharedCtesOnce", "the shards compute a CTE read twice once, the router loads its rows"};

// A general-path scan's filter with a subquery that its fetch applies exactly on the row's
// shard (correlated on the shard key, an IN on the key): the merge engine does not run it again,
// and the tables only that subquery reads are not fetched (TPC-H Q21's EXISTS / NOT EXISTS).
// Only for a table the merge engine then reads through that one scan.
inline constexpr DistributionStep kSettleSubqueryFilters{
    "SettleSubqueryFilters", "a subquery filter the fetch applied is not run again by the router"};

// Every step, in the order the distributor may take them.
const std::vector<DistributionStep>& DistributionSteps();

}  // namespace shardql
