#pragma once
// psql's signals in the shell. Ctrl-C while a statement runs cancels it (57014, "canceling
// statement due to user request") and the shell goes on; at an interactive prompt it drops the
// line being typed, and the statement gathered so far, for a fresh prompt. SIGTERM and SIGHUP —
// and Ctrl-C anywhere else — end the shell after its exit work (the demo removes its folder).
//
// A handler may do almost nothing: it writes a byte to a pipe, and a thread of its own does the
// rest; only the prompt's Ctrl-C jumps (siglongjmp) out of the line editor, as psql does.

#include <csetjmp>
#include <functional>

#include "executor/session.h"

namespace shardql::shell_signals {

// Installs the handlers, once, from the main thread (the one that reads the prompt: a signal
// another thread receives is passed to it); `at_exit` runs before a signal ends the process.
void Install(std::function<void()> at_exit);

// From construction to destruction a statement of `session` runs: Ctrl-C cancels it.
class Running {
 public:
  explicit Running(Session& session);
  ~Running();
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
};

// The prompt: the caller sigsetjmp()s this buffer, then reads a line between
// EnterPrompt/LeavePrompt; a Ctrl-C meanwhile returns to the sigsetjmp with 1.
sigjmp_buf& PromptJump();
void EnterPrompt();
void LeavePrompt();

}  // namespace shardql::shell_signals
