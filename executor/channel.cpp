#include "executor/channel.h"

namespace shardql {

bool Channel::Push(ShardBatch batch) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [&] { return cancelled_ || queue_.size() < capacity_; });
  if (cancelled_) return false;
  queue_.push_back(std::move(batch));
  not_empty_.notify_one();
  return true;
}

void Channel::Close() {
  std::lock_guard lock(mutex_);
  if (open_producers_ > 0) --open_producers_;
  not_empty_.notify_all();
}

std::optional<ShardBatch> Channel::Pop() {
  std::unique_lock lock(mutex_);
  not_empty_.wait(lock, [&] { return cancelled_ || !queue_.empty() || open_producers_ == 0; });
  if (cancelled_ || queue_.empty()) return std::nullopt;
  ShardBatch out = std::move(queue_.front());
  queue_.pop_front();
  not_full_.notify_one();
  return out;
}

void Channel::Cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  queue_.clear();
  not_empty_.notify_all();
  not_full_.notify_all();
}

bool Channel::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

}  // namespace shardql
