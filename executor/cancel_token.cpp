#include "executor/cancel_token.h"

namespace shardql {

void CancelToken::Cancel(Reason reason) {
  Reason none = Reason::kNone;
  if (!reason_.compare_exchange_strong(none, reason)) return;
  std::lock_guard lock(mutex_);
  for (const auto& interrupt : interrupts_)
    interrupt();
}

SqlError CancelToken::Error() const {
  return SqlError(sqlstate::kQueryCanceled, reason() == Reason::kTimeout
                                                ? "canceling statement due to statement timeout"
                                                : "canceling statement due to user request");
}

CancelToken::Registration CancelToken::Register(std::function<void()> interrupt) {
  Registration r;
  std::lock_guard lock(mutex_);
  if (cancelled()) interrupt();
  r.token_ = this;
  r.it_ = interrupts_.insert(interrupts_.end(), std::move(interrupt));
  return r;
}

CancelToken::Registration& CancelToken::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    Reset();
    token_ = other.token_;
    it_ = other.it_;
    other.token_ = nullptr;
  }
  return *this;
}

void CancelToken::Registration::Reset() {
  if (!token_) return;
  std::lock_guard lock(token_->mutex_);
  token_->interrupts_.erase(it_);
  token_ = nullptr;
}

}  // namespace shardql
