#pragma once
// The threads that run shard work, one bounded pool for every session of the cluster (sized from
// the cores, not sessions × shards). Its tasks never block on each other: a shard task fetches
// one batch and returns, and is resubmitted when its stream has room for another (route_stream.h),
// so a k-way merge over more shards than threads cannot starve. Threads are created once, at
// construction; a task that throws is contained (the pool keeps running) — tasks report their
// own errors to their statement.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shardql {

class WorkerPool {
 public:
  // Starts `threads` threads (at least one; throws SqlError 53000 when not even one starts).
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  size_t threads() const { return threads_.size(); }

  // The default size: one thread per core, at least two.
  static size_t DefaultSize();

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace shardql
