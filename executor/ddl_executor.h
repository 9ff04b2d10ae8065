#pragma once
// CREATE TABLE / INDEX / VIEW and DROP: validated against the catalog, run on every shard that
// holds the table (tables and indexes; views live in the router only), then recorded in the
// catalog. A shard that fails undoes the shards already done.

#include <string>
#include <string_view>

#include "executor/cluster.h"
#include "executor/session.h"
#include "grammar/ast.h"

namespace shardql {

// Returns the command tag. Throws SqlError.
std::string ExecuteDdl(const ast::Statement& statement, std::string_view text, Cluster& cluster,
                       DefaultDistribution default_distribution, ResultSink& sink);

}  // namespace shardql
