#pragma once
// RouteStream runs a route's fragment on each of its shards. A route to one shard reads that
// shard's cursor on the consumer's own thread. A route to several opens a cursor per shard and
// fetches their batches on the cluster's worker pool, one batch per task: a task reads one batch
// into its shard's queue (bounded, two batches) and resubmits itself while there is room, so no
// task ever waits on the consumer, and a k-way merge over more shards than worker threads still
// moves. Rows taken in any order (gather) have at most max_parallel_shards shards open at once;
// per-shard order (k-way merge) opens them all.
//
// A route with temporary tables (a broadcast join) computes their rows before it leases any shard,
// makes them on each shard's connection before the route's statement and drops them before the
// connection goes back (shard_temp_tables.h).
//
// The first failure — a shard's error, an exception in a task, the statement being cancelled —
// stops every shard of the route (their connections are interrupted) and the consumer's next
// read throws it. Closing the stream early (LIMIT reached) stops the shards the same way; the
// destructor waits for the tasks in flight, then every connection goes back through its lease.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "executor/row_stream.h"
#include "executor/shard_temp_tables.h"
#include "grammar/sql_error.h"

namespace shardql {

class RouteStream : public RowStream {
 public:
  struct State;

  RouteStream(const Route& route, ExecContext& ctx, bool per_shard_order);
  ~RouteStream() override;

  // Gather mode: batches from any shard.
  bool Next(RowBatch& out) override;
  size_t width() const override { return width_; }

  // Per-shard mode.
  size_t sources() const { return shards_.size(); }
  bool NextFrom(size_t source, RowBatch& out);

 private:
  // The one-shard case, read on this thread.
  bool NextInline(RowBatch& out);
  void StopAndWait();
  // Gives the inline lease back, its temporary tables dropped first.
  void ReleaseInline();

  ExecContext& ctx_;
  const Route& route_;
  std::vector<ResolvedShard> shards_;
  size_t width_;
  std::shared_ptr<const ShardTempTables> temp_;  // null: the route has none
  std::shared_ptr<State> state_;
  CancelToken::Registration cancel_;
  // Inline mode.
  ConnectionLease inline_lease_;
  std::unique_ptr<RowCursor> inline_cursor_;
  bool inline_temp_made_ = false;
  CancelToken::Registration inline_interrupt_;
  double inline_ms_ = 0;
};

}  // namespace shardql
