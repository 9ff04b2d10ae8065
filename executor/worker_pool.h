#pragma once
// The threads that run shard work. A shard task may block on a full channel until its statement's
// thread drains it, so a task must never wait for a free thread behind other blocked tasks: the
// pool starts a new thread whenever every thread is busy, and keeps its threads for reuse.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shardql {

class WorkerPool {
 public:
  explicit WorkerPool(size_t initial_threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  size_t threads() const;

 private:
  void Run();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  size_t busy_ = 0;
  bool stopping_ = false;
};

}  // namespace shardql
