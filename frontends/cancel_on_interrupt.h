#pragma once
// psql's Ctrl-C: while a statement runs, SIGINT cancels it (the statement fails with 57014,
// "canceling statement due to user request") instead of ending the process. A signal handler may
// do almost nothing, so it only writes a byte to a pipe; a thread of its own reads the pipe and
// asks the session to cancel.

#include "executor/session.h"

namespace shardql {

class CancelOnInterrupt {
 public:
  // From construction to destruction, SIGINT cancels `session`'s running statement.
  explicit CancelOnInterrupt(Session& session);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
};

}  // namespace shardql
