#pragma once
// A statement's cancellation: by its statement_timeout, or by a cancel request from a front
// (Ctrl-C in the shell, a CancelRequest on the wire). Cancel interrupts everything registered as
// running a part of the statement — shard connections, the merge engine — and wakes whoever waits
// for its rows; the statement then fails with 57014 and PostgreSQL's message.

#include <atomic>
#include <functional>
#include <list>
#include <mutex>

#include "grammar/sql_error.h"

namespace shardql {

class CancelToken {
 public:
  enum class Reason : uint8_t { kNone, kTimeout, kUserRequest };

  // The first reason wins. Thread-safe; calls every registered interrupt.
  void Cancel(Reason reason);
  bool cancelled() const { return reason_.load() != Reason::kNone; }
  Reason reason() const { return reason_.load(); }
  // 57014: "canceling statement due to statement timeout" / "... due to user request".
  SqlError Error() const;
  void ThrowIfCancelled() const {
    if (cancelled()) throw Error();
  }

  // While alive, `interrupt` is called when the statement is cancelled (at once, when it
  // already is). It must be quick and must not throw: it runs on the cancelling thread.
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept { *this = std::move(other); }
    Registration& operator=(Registration&& other) noexcept;
    ~Registration() { Reset(); }
    void Reset();

   private:
    friend class CancelToken;
    CancelToken* token_ = nullptr;
    std::list<std::function<void()>>::iterator it_;
  };
  Registration Register(std::function<void()> interrupt);

 private:
  std::atomic<Reason> reason_{Reason::kNone};
  std::mutex mutex_;
  std::list<std::function<void()>> interrupts_;
};

}  // namespace shardql
