#pragma once
// RouteStream runs a route's fragment on each of its shards at once, on the worker pool. Rows
// arrive in batches through bounded channels: one shared channel when the consumer takes rows in
// any order (gather), one per shard when it needs each shard's order (k-way merge). The first
// shard to fail cancels the others — their connections are interrupted — and the consumer's next
// read throws that shard's error. A route to one shard needs no worker: it reads that shard's
// cursor on the consumer's own thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "executor/channel.h"
#include "executor/row_stream.h"
#include "grammar/sql_error.h"

namespace shardql {

class RouteStream : public RowStream {
 public:
  struct State;

  RouteStream(const Route& route, ExecContext& ctx, bool channel_per_shard);
  ~RouteStream() override;

  // Gather mode: batches from any shard.
  bool Next(RowBatch& out) override;
  size_t width() const override { return width_; }

  // Per-shard mode.
  size_t sources() const { return shards_.size(); }
  bool NextFrom(size_t source, RowBatch& out);

 private:
  // Runs `work` on a worker; closes `channel` and counts the task done when it returns.
  // Cancels the shards' tasks and waits until none runs.
  void StopTasks();
  void StartTask(std::function<void(State&)> work, Channel& channel);
  void ThrowIfFailed();

  // The one-shard case, read on this thread.
  bool NextInline(RowBatch& out);

  ExecContext& ctx_;
  std::vector<ResolvedShard> shards_;
  size_t width_;
  std::shared_ptr<State> state_;
  BackendConnection* inline_connection_ = nullptr;
  std::unique_ptr<RowCursor> inline_cursor_;
};

}  // namespace shardql
