#include "executor/worker_pool.h"

#include <algorithm>
#include <system_error>

#include "grammar/sql_error.h"

namespace shardql {

size_t WorkerPool::DefaultSize() {
  return std::max<size_t>(2, std::thread::hardware_concurrency());
}

WorkerPool::WorkerPool(size_t threads) {
  threads = std::max<size_t>(threads, 1);
  for (size_t i = 0; i < threads; ++i) {
    try {
      threads_.emplace_back([this] { Run(); });
    } catch (const std::system_error&) {
      break;  // fewer threads than asked for is slower, not wrong
    }
  }
  if (threads_.empty()) {
    throw SqlError("53000", "could not start the router's worker threads");
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_)
    t.join();
}

void WorkerPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (...) {
      // A task reports its errors to its statement; one that escapes must not end the process.
    }
  }
}

}  // namespace shardql
