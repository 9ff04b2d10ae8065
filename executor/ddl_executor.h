#pragma once
// CREATE TABLE / INDEX / VIEW and DROP: validated against the catalog, run on every shard that
// holds the table (tables and indexes; views live in the router only), then recorded in the
// catalog. A shard that fails undoes the shards already done. Temporary views live in the
// session.

#include <string>
#include <string_view>

#include "executor/cluster.h"
#include "executor/session.h"
#include "grammar/ast.h"

namespace shardql {

// Returns the command tag. Throws SqlError. CREATE TEMP VIEW and DROP VIEW of a temporary view
// work on `session_views` (the session's own) instead of the catalog.
std::string ExecuteDdl(const ast::Statement& statement, std::string_view text, Cluster& cluster,
                       DefaultDistribution default_distribution, SessionViews& session_views,
                       ResultSink& sink);

// `name` or `main.name` / `public.name` as the catalog's name; 0A000 for another schema.
std::string UnqualifiedName(const std::vector<std::string>& parts, ast::SourceSpan span);

// Whether the statement changes only the session's temporary views (allowed in a transaction).
bool ChangesOnlySessionViews(const ast::Statement& statement, const SessionViews& session_views);

}  // namespace shardql
