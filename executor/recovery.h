#pragma once
// Recovery: finishing what routers that died had decided. A transaction that wrote several shards
// (and all DDL) is decided by a commit record in the catalog file (ShardTransaction::CommitAll);
// each shard's part carries a marker row in shardql_applied. A record whose router is no longer
// alive (router_liveness.h) is redone on every shard whose marker is missing — the shard lost its
// part with the router — and then removed. Without a record nothing was decided, and each
// shard's own journal has already rolled its part back.
//
// Why this works on SQLite, which keeps no prepared transaction across a crash: the record holds
// each shard's statements with their values (rowids and keys the router chose included), and a
// shard whose part was lost is, when recovery redoes it, exactly as the transaction found it:
// every writer checks for such records after taking a shard's write lock and before writing
// (ShardTransaction::BeforeWrite), so nothing else has written there in between.

#include <string>
#include <vector>

#include "planner/dialect.h"

namespace shardql {

class Cluster;

// Finishes every decided transaction of a router that stopped. One line per record finished
// ("finished transaction G of router R on s0, s2"). Throws SqlError when a shard cannot be
// reached; what was finished stays finished.
std::vector<std::string> RecoverDeadRouters(Cluster& cluster);

// The statements about markers, in the dialect's placeholders.
std::string TakeWriteLockSql();
std::string MarkerInsertSql(const Dialect& dialect);
std::string MarkerDeleteSql(const Dialect& dialect);
std::string MarkerCountSql(const Dialect& dialect);

}  // namespace shardql
