#pragma once
// ANALYZE [VERBOSE] [table, ...]: every shard holding a table gathers its backend's own
// statistics and reports its rows, per-column NULL counts, minimum and maximum, its indexes with
// the distinct counts it keeps, and a random sample in proportion to its rows; the router
// combines them (planner/statistics_builder.h) and records them in the catalog with the time they
// were taken. Plans made with the old figures go stale. Without a name, every table is analysed.

#include <string>

#include "executor/cluster.h"
#include "executor/result_sink.h"
#include "grammar/ast.h"

namespace shardql {

// Returns the command tag ("ANALYZE"). Throws SqlError: 42P01 for an unknown table, a shard's
// failure naming the shard. A view is skipped with a warning, as PostgreSQL does.
std::string ExecuteAnalyze(const ast::AnalyzeStatement& statement, Cluster& cluster,
                           ResultSink& sink);

}  // namespace shardql
