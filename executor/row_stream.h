#pragma once
// The router's operators are pull streams of row batches: a merge pulls from the streams below it,
// the front pulls from the top. A stream that fails throws SqlError (naming the shard when one
// reported it); destroying a stream stops whatever still feeds it.

#include <memory>

#include "backends/backend.h"
#include "executor/exec_context.h"
#include "planner/distributed_plan.h"

namespace shardql {

class RowStream {
 public:
  virtual ~RowStream() = default;
  // Fills `out` (cleared first) with the next rows; false when there are no more.
  virtual bool Next(RowBatch& out) = 0;
  virtual size_t width() const = 0;
};

// A stream over a distributed plan's merge tree.
std::unique_ptr<RowStream> OpenMergeTree(const MergeNode& node, ExecContext& ctx);

// The cluster shard indexes a route runs on for these parameter values, with each one's SQL.
struct ResolvedShard {
  size_t cluster_shard = 0;
  std::string name;
  const std::string* sql = nullptr;
};
std::vector<ResolvedShard> ResolveRoute(const Route& route, const ExecContext& ctx);

}  // namespace shardql
