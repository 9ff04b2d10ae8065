#pragma once
// The shell's \d family over the catalog: the list of relations, one table or view, and with
// \d+ the statistics ANALYZE recorded for a table.

#include <optional>
#include <string>

#include "executor/cluster.h"

namespace shardql {

// \d: the tables and views, or "Did not find any relations." when there are none.
std::string DescribeRelations(Cluster& cluster);

// \d NAME (`plus`: \d+ NAME). NAME is folded to lower case unless double-quoted. nullopt when
// there is no such table or view.
std::optional<std::string> DescribeRelation(Cluster& cluster, const std::string& name, bool plus);

}  // namespace shardql
