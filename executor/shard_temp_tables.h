#pragma once
// A route's temporary tables on its shards (planner/distributed_plan.h, ShardTempTable: a
// broadcast join's small side). Their rows are computed once, before any of the route's shards is
// leased; then, on each shard's connection, the tables are made and loaded before the route's
// statement and dropped after it. A table that cannot be dropped takes its connection with it
// (ConnectionLease::Discard), so nothing a statement copied is ever seen by another.

#include <memory>
#include <vector>

#include "backends/backend.h"
#include "planner/distributed_plan.h"

namespace shardql {

struct ExecContext;

class ShardTempTables {
 public:
  // Computes every table's rows (each one's own routes and merges). Throws SqlError.
  ShardTempTables(const Route& route, ExecContext& ctx);

  bool empty() const { return tables_.empty(); }
  // Makes, loads and indexes the tables on `connection`; stops at the first failure.
  BackendStatus Create(BackendConnection& connection) const;
  // Drops them (each IF EXISTS: also after a Create that failed half-way); false when a drop
  // failed and the connection must not be reused.
  bool Drop(BackendConnection& connection) const;

 private:
  BackendStatus Load(BackendConnection& connection) const;

  struct Table {
    const ShardTempTable* spec = nullptr;
    RowBatch rows;
  };
  const Dialect& dialect_;
  std::vector<Table> tables_;
};

}  // namespace shardql
