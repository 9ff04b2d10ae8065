#include "executor/route_stream.h"

#include <algorithm>
#include <chrono>

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

namespace {

using Clock = std::chrono::steady_clock;

// Batches a shard may have fetched ahead of the consumer.
constexpr size_t kQueuedBatches = 2;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

struct RouteStream::State {
  struct Shard {
    ResolvedShard shard;
    ConnectionLease lease;
    std::unique_ptr<RowCursor> cursor;
    bool temp_made = false;  // the route's temporary tables were (being) made on the lease
    // Loading them: not to be interrupted. SQLite rolls a user's whole transaction back when an
    // INSERT inside it is interrupted, and a stop is no reason to lose the user's writes.
    bool loading = false;
    std::deque<RowBatch> ready;
    bool started = false;   // a fetch was submitted once
    bool fetching = false;  // a fetch task is queued or running
    bool done = false;      // every row is fetched, or the shard was stopped
    Clock::time_point start;
    ExecStats::Shard stats;
  };

  // What tasks use; the stream outlives every task (its destructor waits for them).
  WorkerPool* pool = nullptr;
  ConnectionProvider* connections = nullptr;
  const std::vector<Value>* params = nullptr;
  CancelToken* cancel = nullptr;
  size_t batch_rows = 0;
  std::shared_ptr<const ShardTempTables> temp;

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Shard> shards;
  size_t next_to_start = 0;
  size_t open_limit = 0;
  size_t open = 0;        // started, not done
  size_t in_flight = 0;   // fetch tasks queued or running
  size_t next_taken = 0;  // round robin over shards with rows ready
  bool stopping = false;
  std::optional<SqlError> error;

  // Under `mutex`: stops every shard; their running statements are interrupted.
  void StopLocked() {
    if (stopping) return;
    stopping = true;
    for (Shard& s : shards) {
      if (s.lease && !s.loading) s.lease->Interrupt();
    }
    changed.notify_all();
  }

  // Under `mutex`: the first failure is the route's; it stops the others. A shard interrupted
  // because the statement was cancelled reports the cancellation.
  void FailLocked(SqlError e) {
    if (!error && !(stopping && !cancel->cancelled())) {
      error = cancel->cancelled() ? cancel->Error() : std::move(e);
    }
    StopLocked();
  }

  // Under `mutex`: queues a fetch for shard `i`.
  void SubmitLocked(const std::shared_ptr<State>& self, size_t i) {
    Shard& s = shards[i];
    s.fetching = true;
    if (!s.started) {
      s.started = true;
      s.start = Clock::now();
      ++open;
    }
    ++in_flight;
    try {
      pool->Submit([self, i] { self->Fetch(self, i); });
    } catch (...) {
      --in_flight;
      s.fetching = false;
      s.done = true;
      --open;
      FailLocked(SqlError(sqlstate::kInternalError, "internal error: could not queue shard work"));
    }
  }

  // Under `mutex`: opens more shards while fewer than the limit are open (gather mode).
  void StartMoreLocked(const std::shared_ptr<State>& self) {
    while (!stopping && open < open_limit && next_to_start < shards.size())
      SubmitLocked(self, next_to_start++);
  }

  // Under `mutex`: the shard will fetch no more.
  void FinishShardLocked(Shard& s) {
    if (!s.done) {
      s.done = true;
      if (s.started) --open;
      s.stats.ms = MillisSince(s.start);
    }
  }

  // A worker task: one batch of shard `i`, queued for the consumer.
  void Fetch(const std::shared_ptr<State>& self, size_t i) {
    Shard* s;
    {
      std::lock_guard lock(mutex);
      s = &shards[i];
      if (stopping) return EndFetchLocked(self, *s);
    }
    try {
      BackendStatus status;
      if (!s->cursor) {
        ConnectionLease lease = connections->Lease(s->shard.cluster_shard, status, cancel);
        if (lease) {
          lease->ClearInterrupt();
          std::lock_guard lock(mutex);
          s->lease = std::move(lease);
          // Stopped while the lease was being taken: this connection was not interrupted.
          if (stopping) return EndFetchLocked(self, *s);
        }
        if (s->lease && temp) {
          {
            std::lock_guard lock(mutex);
            // Not stopping yet: nothing has interrupted this lease (only StopLocked does).
            if (stopping) return EndFetchLocked(self, *s);
            s->temp_made = true;
            s->loading = true;
          }
          status = temp->Create(*s->lease.get());
          std::lock_guard lock(mutex);
          s->loading = false;
          if (stopping) return EndFetchLocked(self, *s);  // it was not interrupted: stop here
        }
        std::unique_ptr<RowCursor> cursor;
        if (s->lease && status.ok) cursor = s->lease->Query(*s->shard.sql, *params, status);
        if (!cursor) {
          std::lock_guard lock(mutex);
          FailLocked(ShardError(status, s->shard.name));
          return EndFetchLocked(self, *s);
        }
        s->cursor = std::move(cursor);  // only this task touches the cursor until it ends
      }
      RowBatch batch;
      bool got = s->cursor->Next(batch, batch_rows, status);
      std::lock_guard lock(mutex);
      if (!got) {
        if (!status.ok) FailLocked(ShardError(status, s->shard.name));
        FinishShardLocked(*s);
        StartMoreLocked(self);
        return EndFetchLocked(self, *s);
      }
      s->stats.rows += batch.rows();
      ++s->stats.batches;
      s->ready.push_back(std::move(batch));
      changed.notify_all();
      if (!stopping && s->ready.size() < kQueuedBatches) {
        --in_flight;  // SubmitLocked counts the next one
        return SubmitLocked(self, i);
      }
      return EndFetchLocked(self, *s);
    } catch (const SqlError& e) {
      std::lock_guard lock(mutex);
      FailLocked(e);
      EndFetchLocked(self, *s);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      FailLocked(SqlError(sqlstate::kInternalError,
                          std::string("internal error in shard work: ") + e.what()));
      EndFetchLocked(self, *s);
    } catch (...) {
      std::lock_guard lock(mutex);
      FailLocked(SqlError(sqlstate::kInternalError, "internal error in shard work"));
      EndFetchLocked(self, *s);
    }
  }

  // Under `mutex`: this task is over.
  void EndFetchLocked(const std::shared_ptr<State>&, Shard& s) {
    s.fetching = false;
    if (stopping) FinishShardLocked(s);
    --in_flight;
    changed.notify_all();
  }

  // Under `mutex`: fetch more of shard `i` if it has room.
  void RefillLocked(const std::shared_ptr<State>& self, size_t i) {
    Shard& s = shards[i];
    if (!s.done && !s.fetching && !stopping && s.ready.size() < kQueuedBatches) {
      SubmitLocked(self, i);
    }
  }

  void ThrowIfFailedLocked() {
    if (error) throw *error;
    if (cancel->cancelled()) {
      StopLocked();
      throw cancel->Error();
    }
  }
};

RouteStream::RouteStream(const Route& route, ExecContext& ctx, bool per_shard_order)
    : ctx_(ctx), route_(route), shards_(ResolveRoute(route, ctx)), width_(route.width) {
  ctx.cancel.ThrowIfCancelled();
  // Their rows first: computing them leases shards this route may lease too.
  if (!route.temp_tables.empty() && !shards_.empty())
    temp_ = std::make_shared<const ShardTempTables>(route, ctx);
  if (shards_.size() == 1) {
    const ResolvedShard& shard = shards_[0];
    BackendStatus status;
    inline_ms_ = 0;
    inline_lease_ = ctx_.connections.Lease(shard.cluster_shard, status, &ctx.cancel);
    try {
      if (inline_lease_) {
        inline_lease_->ClearInterrupt();
        BackendConnection* connection = inline_lease_.get();
        if (temp_) {
          // Loaded before a cancel can interrupt the connection (see State::Shard::loading); a
          // cancel meanwhile is seen right after.
          inline_temp_made_ = true;
          status = temp_->Create(*connection);
        }
        if (status.ok && !ctx.cancel.cancelled()) {
          inline_interrupt_ = ctx.cancel.Register([connection] { connection->Interrupt(); });
          inline_cursor_ = inline_lease_->Query(*shard.sql, ctx_.params, status);
        }
      }
    } catch (...) {
      ReleaseInline();
      throw;
    }
    if (!inline_cursor_) {
      ReleaseInline();
      ctx.cancel.ThrowIfCancelled();
      throw ShardError(status, shard.name);
    }
    return;
  }
  state_ = std::make_shared<State>();
  State& st = *state_;
  st.pool = &ctx.cluster.workers();
  st.connections = &ctx.connections;
  st.params = &ctx.params;
  st.cancel = &ctx.cancel;
  st.batch_rows = ctx.settings.batch_rows;
  st.temp = temp_;
  st.shards.resize(shards_.size());
  for (size_t i = 0; i < shards_.size(); ++i)
    st.shards[i].shard = shards_[i];
  std::shared_ptr<State> state = state_;
  cancel_ = ctx.cancel.Register([state] {
    std::lock_guard lock(state->mutex);
    state->StopLocked();
  });
  std::lock_guard lock(st.mutex);
  // A k-way merge needs every shard's next rows at once; rows taken in any order need at most one
  // shard per core at a time (more only make CPU-bound SQLite shards slower).
  st.open_limit = per_shard_order ? shards_.size()
                                  : std::min(shards_.size(),
                                             std::max<size_t>(ctx.settings.max_parallel_shards, 1));
  st.StartMoreLocked(state_);
}

void RouteStream::StopAndWait() {
  cancel_.Reset();
  std::unique_lock lock(state_->mutex);
  state_->StopLocked();
  state_->changed.wait(lock, [&] { return state_->in_flight == 0; });
  for (State::Shard& s : state_->shards) {
    state_->FinishShardLocked(s);
    s.cursor.reset();  // before its connection goes back
    if (s.temp_made && s.lease) {
      s.lease->ClearInterrupt();  // the stop interrupted it; the drop must run
      if (!temp_->Drop(*s.lease.get())) s.lease.Discard();
    }
    s.lease.Release();
    s.ready.clear();
  }
}

void RouteStream::ReleaseInline() {
  inline_interrupt_.Reset();
  inline_cursor_.reset();
  if (inline_temp_made_ && inline_lease_) {
    inline_lease_->ClearInterrupt();
    if (!temp_->Drop(*inline_lease_.get())) inline_lease_.Discard();
  }
  inline_lease_.Release();
}

RouteStream::~RouteStream() {
  if (!state_) {
    ReleaseInline();
    return;
  }
  StopAndWait();
  if (ctx_.stats) {
    std::lock_guard lock(ctx_.stats->mutex);
    auto& route = ctx_.stats->routes[&route_];
    for (const State::Shard& s : state_->shards) {
      if (!s.started) continue;
      ExecStats::Shard& out = route[s.shard.name];
      out.rows += s.stats.rows;
      out.batches += s.stats.batches;
      out.ms += s.stats.ms;
    }
  }
}

bool RouteStream::NextInline(RowBatch& out) {
  BackendStatus status;
  auto start = Clock::now();
  bool got = false;
  try {
    got = inline_cursor_->Next(out, ctx_.settings.batch_rows, status);
  } catch (const SqlError&) {
    throw;
  } catch (const std::exception& e) {
    // As on the worker pool: shard work that throws fails the statement, not the process.
    throw SqlError(sqlstate::kInternalError,
                   std::string("internal error in shard work: ") + e.what());
  }
  inline_ms_ += MillisSince(start);
  if (ctx_.stats && (got || status.ok)) {
    std::lock_guard lock(ctx_.stats->mutex);
    ExecStats::Shard& s = ctx_.stats->routes[&route_][shards_[0].name];
    s.rows += got ? out.rows() : 0;
    s.batches += got ? 1 : 0;
    if (!got) s.ms += inline_ms_;
  }
  if (got) return true;
  if (!status.ok) {
    ctx_.cancel.ThrowIfCancelled();
    throw ShardError(status, shards_[0].name);
  }
  return false;
}

bool RouteStream::Next(RowBatch& out) {
  if (!state_) return NextInline(out);
  out.clear();
  std::unique_lock lock(state_->mutex);
  State& st = *state_;
  for (;;) {
    st.ThrowIfFailedLocked();
    size_t n = st.shards.size();
    for (size_t k = 0; k < n; ++k) {
      size_t i = (st.next_taken + k) % n;
      State::Shard& s = st.shards[i];
      if (s.ready.empty()) continue;
      out = std::move(s.ready.front());
      s.ready.pop_front();
      st.next_taken = i + 1;
      st.RefillLocked(state_, i);
      return true;
    }
    bool all_done = st.next_to_start == n &&
                    std::all_of(st.shards.begin(), st.shards.end(),
                                [](const State::Shard& s) { return s.done && s.ready.empty(); });
    if (all_done) return false;
    st.changed.wait(lock);
  }
}

bool RouteStream::NextFrom(size_t source, RowBatch& out) {
  if (!state_) return NextInline(out);
  out.clear();
  std::unique_lock lock(state_->mutex);
  State& st = *state_;
  State::Shard& s = st.shards[source];
  for (;;) {
    st.ThrowIfFailedLocked();
    if (!s.ready.empty()) {
      out = std::move(s.ready.front());
      s.ready.pop_front();
      st.RefillLocked(state_, source);
      return true;
    }
    if (s.done) return false;
    st.changed.wait(lock);
  }
}

}  // namespace shardql
