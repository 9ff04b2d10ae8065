#include "executor/route_stream.h"

#include <algorithm>

#include "planner/hash_ring.h"
#include "planner/shard_pruning.h"

namespace shardql {

std::vector<ResolvedShard> ResolveRoute(const Route& route, const ExecContext& ctx) {
  std::vector<ResolvedShard> out;
  for (uint32_t i : ResolveShards(route.choice, *route.ring, ctx.params, ctx.cluster.dialect())) {
    ResolvedShard shard;
    shard.name = route.ring_shards[i];
    shard.cluster_shard = ctx.cluster.ShardIndex(shard.name);
    shard.sql = &route.sql;
    for (const auto& [index, sql] : route.per_shard_sql) {
      if (index == i) shard.sql = &sql;
    }
    out.push_back(shard);
  }
  return out;
}

struct RouteStream::State {
  std::atomic<size_t> next_shard{0};  // gather mode: the next shard a producer takes
  std::mutex mutex;
  std::condition_variable finished;
  size_t running = 0;
  std::atomic<bool> cancelled{false};
  std::optional<SqlError> error;
  std::vector<std::unique_ptr<Channel>> channels;
  std::vector<BackendConnection*> active;  // connections running a fragment, for Interrupt

  void Cancel() {
    cancelled = true;
    for (auto& c : channels)
      c->Cancel();
    std::lock_guard lock(mutex);
    for (BackendConnection* connection : active) {
      if (connection) connection->Interrupt();
    }
  }
};

namespace {

class ChannelSink : public RowSink {
 public:
  ChannelSink(Channel& channel, size_t source) : channel_(channel), source_(source) {}
  bool Consume(RowBatch& batch) override {
    ShardBatch out;
    out.source = source_;
    out.batch.width = batch.width;
    out.batch.row_count = batch.row_count;
    out.batch.values = std::move(batch.values);
    batch.values = {};
    batch.values.reserve(out.batch.values.size());
    return channel_.Push(std::move(out));
  }

 private:
  Channel& channel_;
  size_t source_;
};

}  // namespace

namespace {

// Runs one shard's fragment, its rows into `channel`; the first failure cancels the route.
void RunShard(RouteStream::State& state, Channel& channel, const ResolvedShard& shard,
              ExecContext& ctx, size_t source) {
  auto fail = [&](const std::string& sqlstate, const std::string& message) {
    bool first = false;
    {
      std::lock_guard lock(state.mutex);
      if (!state.error && !state.cancelled) {
        state.error.emplace(sqlstate, message);
        state.error->shard = shard.name;
        first = true;
      }
    }
    if (first) state.Cancel();
  };
  if (state.cancelled) return;
  BackendStatus status;
  BackendConnection* connection = ctx.connections.Acquire(shard.cluster_shard, status);
  if (!connection) {
    fail(status.sqlstate, status.message);
    return;
  }
  bool run;
  {
    std::lock_guard lock(state.mutex);
    // Cancelled meanwhile: SQLite forgets an interrupt that comes before a statement starts, so
    // do not start one.
    run = !state.cancelled;
    if (run) state.active[source] = connection;
  }
  if (run) {
    ChannelSink sink(channel, source);
    status = connection->Execute(*shard.sql, ctx.params, &sink, ctx.settings.batch_rows);
    std::lock_guard lock(state.mutex);
    state.active[source] = nullptr;
  }
  ctx.connections.Release(shard.cluster_shard, connection);
  if (!status.ok) fail(status.sqlstate, status.message);
}

}  // namespace

RouteStream::RouteStream(const Route& route, ExecContext& ctx, bool channel_per_shard)
    : ctx_(ctx),
      shards_(ResolveRoute(route, ctx)),
      width_(route.width),
      state_(std::make_shared<State>()) {
  size_t n = shards_.size();
  if (n == 1) {
    const ResolvedShard& shard = shards_[0];
    BackendStatus status;
    inline_connection_ = ctx_.connections.Acquire(shard.cluster_shard, status);
    if (inline_connection_) {
      inline_cursor_ = inline_connection_->Query(*shard.sql, ctx_.params, status);
      if (!inline_cursor_) {
        ctx_.connections.Release(shard.cluster_shard, inline_connection_);
        inline_connection_ = nullptr;
      }
    }
    if (!inline_cursor_) throw ShardError(status, shard.name);
    return;
  }
  state_->active.assign(n, nullptr);
  try {
    if (channel_per_shard) {
      // A k-way merge needs every shard's next rows at once: a producer per shard.
      for (size_t i = 0; i < n; ++i)
        state_->channels.push_back(std::make_unique<Channel>(1, 2));
      for (size_t i = 0; i < n; ++i) {
        StartTask(
            [this, i](State& state) { RunShard(state, *state.channels[i], shards_[i], ctx_, i); },
            *state_->channels[i]);
      }
      return;
    }
    // Rows taken in any order: at most one producer per core, each taking the next shard as it
    // finishes one (more threads than cores only make CPU-bound SQLite shards slower).
    size_t producers = std::min(n, std::max<size_t>(ctx_.settings.max_parallel_shards, 1));
    state_->channels.push_back(std::make_unique<Channel>(producers, 2 * std::max<size_t>(n, 1)));
    for (size_t p = 0; p < producers; ++p) {
      StartTask(
          [this](State& state) {
            for (size_t i = state.next_shard++; i < shards_.size(); i = state.next_shard++) {
              RunShard(state, *state.channels[0], shards_[i], ctx_, i);
            }
          },
          *state_->channels[0]);
    }
  } catch (...) {
    StopTasks();  // the tasks already started use this object
    throw;
  }
}

void RouteStream::StartTask(std::function<void(State&)> work, Channel& channel) {
  std::shared_ptr<State> state = state_;
  {
    std::lock_guard lock(state->mutex);
    ++state->running;
  }
  try {
    ctx_.cluster.workers().Submit([state, work = std::move(work), &channel] {
      work(*state);
      channel.Close();
      std::lock_guard lock(state->mutex);
      --state->running;
      state->finished.notify_all();
    });
  } catch (...) {
    std::lock_guard lock(state->mutex);
    --state->running;
    throw;
  }
}

void RouteStream::StopTasks() {
  state_->Cancel();
  std::unique_lock lock(state_->mutex);
  state_->finished.wait(lock, [&] { return state_->running == 0; });
}

RouteStream::~RouteStream() {
  if (inline_connection_) {
    inline_cursor_.reset();
    ctx_.connections.Release(shards_[0].cluster_shard, inline_connection_);
    return;
  }
  StopTasks();
}

void RouteStream::ThrowIfFailed() {
  std::lock_guard lock(state_->mutex);
  if (state_->error) throw *state_->error;
}

bool RouteStream::NextInline(RowBatch& out) {
  BackendStatus status;
  if (inline_cursor_->Next(out, ctx_.settings.batch_rows, status)) return true;
  if (!status.ok) throw ShardError(status, shards_[0].name);
  return false;
}

bool RouteStream::Next(RowBatch& out) {
  if (inline_connection_) return NextInline(out);
  out.clear();
  std::optional<ShardBatch> batch = state_->channels[0]->Pop();
  if (!batch) {
    ThrowIfFailed();
    return false;
  }
  out = std::move(batch->batch);
  return true;
}

bool RouteStream::NextFrom(size_t source, RowBatch& out) {
  if (inline_connection_) return NextInline(out);
  out.clear();
  std::optional<ShardBatch> batch = state_->channels[source]->Pop();
  if (!batch) {
    ThrowIfFailed();
    return false;
  }
  out = std::move(batch->batch);
  return true;
}

}  // namespace shardql
