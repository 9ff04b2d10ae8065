#pragma once
// Cancels statements that outlive their statement_timeout: one thread per cluster keeps the
// deadlines of every running statement and cancels a statement's token when its deadline passes.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "executor/cancel_token.h"

namespace shardql {

class StatementTimer {
 public:
  StatementTimer() = default;
  ~StatementTimer();
  StatementTimer(const StatementTimer&) = delete;
  StatementTimer& operator=(const StatementTimer&) = delete;

  // Cancels `token` (kTimeout) after `timeout` unless disarmed first.
  class Armed {
   public:
    Armed() = default;
    Armed(Armed&& other) noexcept { *this = std::move(other); }
    Armed& operator=(Armed&& other) noexcept;
    ~Armed() { Disarm(); }
    void Disarm();

   private:
    friend class StatementTimer;
    StatementTimer* timer_ = nullptr;
    uint64_t id_ = 0;
  };
  // The timer holds the token weakly: a statement that ended needs no cancelling.
  Armed Arm(const std::shared_ptr<CancelToken>& token, std::chrono::milliseconds timeout);

 private:
  using Clock = std::chrono::steady_clock;
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;
  // id -> deadline and token; ids grow, so the map also keeps arming order.
  std::map<uint64_t, std::pair<Clock::time_point, std::weak_ptr<CancelToken>>> deadlines_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;  // started by the first Arm
};

}  // namespace shardql
