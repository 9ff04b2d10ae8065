#include "executor/statement_timer.h"

#include <algorithm>

namespace shardql {

StatementTimer::~StatementTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

StatementTimer::Armed StatementTimer::Arm(const std::shared_ptr<CancelToken>& token,
                                          std::chrono::milliseconds timeout) {
  Armed armed;
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
    armed.timer_ = this;
    armed.id_ = next_id_++;
    deadlines_[armed.id_] = {Clock::now() + timeout, token};
  }
  changed_.notify_all();
  return armed;
}

StatementTimer::Armed& StatementTimer::Armed::operator=(Armed&& other) noexcept {
  if (this != &other) {
    Disarm();
    timer_ = other.timer_;
    id_ = other.id_;
    other.timer_ = nullptr;
  }
  return *this;
}

void StatementTimer::Armed::Disarm() {
  if (!timer_) return;
  {
    std::lock_guard lock(timer_->mutex_);
    timer_->deadlines_.erase(id_);
  }
  timer_ = nullptr;
}

void StatementTimer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto earliest = std::min_element(
        deadlines_.begin(), deadlines_.end(),
        [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
    Clock::time_point deadline = earliest->second.first;  // the entry may go while we wait
    if (Clock::now() < deadline) {
      changed_.wait_until(lock, deadline);
      continue;
    }
    std::shared_ptr<CancelToken> token = earliest->second.second.lock();
    deadlines_.erase(earliest);
    if (token) {
      lock.unlock();
      token->Cancel(CancelToken::Reason::kTimeout);
      lock.lock();
    }
  }
}

}  // namespace shardql
