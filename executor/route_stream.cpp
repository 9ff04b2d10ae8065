#include "executor/route_stream.h"

#include <algorithm>

#include "planner/hash_ring.h"

namespace shardql {

std::vector<ResolvedShard> ResolveRoute(const Route& route, const ExecContext& ctx) {
  std::vector<uint32_t> indexes;
  if (route.choice.all) {
    for (uint32_t i = 0; i < route.ring_shards.size(); ++i)
      indexes.push_back(i);
  } else {
    indexes = route.choice.fixed;
    for (uint32_t p : route.choice.key_params) {
      const Value& v = p <= ctx.params.size() ? ctx.params[p - 1] : Value::Null();
      Value stored = ctx.cluster.dialect().ApplyAffinity(v, route.choice.key_affinity);
      indexes.push_back(
          route.ring->ShardIndexFor(ShardKeyHash(stored, route.choice.key_collation)));
    }
    std::sort(indexes.begin(), indexes.end());
    indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  }
  std::vector<ResolvedShard> out;
  for (uint32_t i : indexes) {
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

RouteStream::RouteStream(const Route& route, ExecContext& ctx, bool channel_per_shard)
    : ctx_(ctx),
      shards_(ResolveRoute(route, ctx)),
      width_(route.width),
      state_(std::make_shared<State>()) {
  size_t n = shards_.size();
  if (channel_per_shard) {
    for (size_t i = 0; i < n; ++i)
      state_->channels.push_back(std::make_unique<Channel>(1, 2));
  } else {
    state_->channels.push_back(std::make_unique<Channel>(n, 2 * std::max<size_t>(n, 1)));
  }
  state_->active.assign(n, nullptr);
  state_->running = n;
  for (size_t i = 0; i < n; ++i)
    Start(i);
}

void RouteStream::Start(size_t source) {
  std::shared_ptr<State> state = state_;
  Channel& channel = *state->channels[state->channels.size() == 1 ? 0 : source];
  ResolvedShard shard = shards_[source];
  ExecContext& ctx = ctx_;
  ctx.cluster.workers().Submit([state, &channel, shard, &ctx, source] {
    auto fail = [&](const std::string& sqlstate, const std::string& message) {
      bool first = false;
      {
        std::lock_guard lock(state->mutex);
        if (!state->error && !state->cancelled) {
          state->error.emplace(sqlstate, message);
          state->error->shard = shard.name;
          first = true;
        }
      }
      if (first) state->Cancel();
    };
    if (!state->cancelled) {
      BackendStatus status;
      BackendConnection* connection = ctx.connections.Acquire(shard.cluster_shard, status);
      if (!connection) {
        fail(status.sqlstate, status.message);
      } else {
        {
          std::lock_guard lock(state->mutex);
          state->active[source] = connection;
        }
        if (state->cancelled) connection->Interrupt();
        ChannelSink sink(channel, source);
        status = connection->Execute(*shard.sql, ctx.params, &sink, ctx.settings.batch_rows);
        {
          std::lock_guard lock(state->mutex);
          state->active[source] = nullptr;
        }
        ctx.connections.Release(shard.cluster_shard, connection);
        if (!status.ok) fail(status.sqlstate, status.message);
      }
    }
    channel.Close();
    std::lock_guard lock(state->mutex);
    --state->running;
    state->finished.notify_all();
  });
}

RouteStream::~RouteStream() {
  state_->Cancel();
  std::unique_lock lock(state_->mutex);
  state_->finished.wait(lock, [&] { return state_->running == 0; });
}

void RouteStream::ThrowIfFailed() {
  std::lock_guard lock(state_->mutex);
  if (state_->error) throw *state_->error;
}

bool RouteStream::Next(RowBatch& out) {
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
