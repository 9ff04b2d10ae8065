#include "executor/worker_pool.h"

namespace shardql {

WorkerPool::WorkerPool(size_t initial_threads) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < initial_threads; ++i)
    threads_.emplace_back([this] { Run(); });
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

size_t WorkerPool::threads() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

void WorkerPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    if (busy_ + tasks_.size() > threads_.size()) threads_.emplace_back([this] { Run(); });
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
      ++busy_;
    }
    task();
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace shardql
