#pragma once
// A guard against running out of stack in the recursive walkers (parser, AST builder, binder,
// printer, renderer), after PostgreSQL's check_stack_depth(): deeply nested input fails with
// SQLSTATE 54001 instead of crashing the process.

#include <cstddef>

namespace shardql {

// Marks the stack position a thread's depth is measured from; the outermost scope on a thread wins.
class StackDepthScope {
 public:
  StackDepthScope();
  ~StackDepthScope();
  StackDepthScope(const StackDepthScope&) = delete;
  StackDepthScope& operator=(const StackDepthScope&) = delete;

 private:
  bool outermost_ = false;
};

// Throws SqlError 54001 when the walkers have used the thread's stack (below the outermost scope)
// but for a margin; kMaxStackDepthBytes when the thread's stack size cannot be read.
void CheckStackDepth();

inline constexpr size_t kMaxStackDepthBytes = size_t{2} * 1024 * 1024;

}  // namespace shardql
