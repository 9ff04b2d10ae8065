#pragma once
// The cluster configuration file, INI-style, read with Boost.Program_options:
//
//   # where the catalog lives (relative paths are relative to this file)
//   catalog = catalog.db
//   vnodes = 64            ; virtual nodes per shard on the hash ring
//
//   [shard.s0]
//   sqlite = data/s0.db
//   [shard.s1]
//   sqlite = data/s1.db
//
// Shards are listed in the order they appear; their names are what the catalog records. Without
// `catalog =`, the catalog is NAME.catalog.db beside the file NAME.ini.

#include <string>

#include "executor/cluster.h"

namespace shardql {

// Throws SqlError (SQLSTATE F0000) naming the file and the problem.
ClusterSpec ReadClusterConfig(const std::string& path);

}  // namespace shardql
