#include "grammar/stack_guard.h"

#include <pthread.h>

#include <cstdint>

#include "grammar/sql_error.h"

namespace shardql {
namespace {
thread_local const char* stack_base = nullptr;
thread_local size_t stack_limit = kMaxStackDepthBytes;

// How much of this thread's stack lies below `base`, less a margin for what runs after a check
// (SQLite, allocators, sanitizers' own frames): the depth a walker may use. At least
// kMaxStackDepthBytes, PostgreSQL's default max_stack_depth, when the thread's size is unknown.
size_t UsableStackBelow(const char* base) {
  constexpr size_t kMargin = size_t{512} * 1024;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return kMaxStackDepthBytes;
  void* low = nullptr;
  size_t size = 0;
  int rc = pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  if (rc != 0 || low == nullptr) return kMaxStackDepthBytes;
  auto below =
      static_cast<size_t>(reinterpret_cast<uintptr_t>(base) - reinterpret_cast<uintptr_t>(low));
  return below > kMargin + kMaxStackDepthBytes ? below - kMargin : kMaxStackDepthBytes;
}

// The current frame's address: a fair reading of the stack position. (Returning the address of a
// local instead is undefined, and optimisers do turn it into null.)
[[gnu::noinline]] const char* CurrentStackPosition() {
  return static_cast<const char*>(__builtin_frame_address(0));
}
}  // namespace

StackDepthScope::StackDepthScope() {
  if (stack_base == nullptr) {
    stack_base = CurrentStackPosition();
    stack_limit = UsableStackBelow(stack_base);
    outermost_ = true;
  }
}

StackDepthScope::~StackDepthScope() {
  if (outermost_) stack_base = nullptr;
}

void CheckStackDepth() {
  if (stack_base == nullptr) return;
  auto base = reinterpret_cast<uintptr_t>(stack_base);
  auto here = reinterpret_cast<uintptr_t>(CurrentStackPosition());
  // Stacks grow down on every platform this builds for.
  if (here < base && base - here > stack_limit) {
    SqlError error(sqlstate::kStatementTooComplex, "stack depth limit exceeded");
    error.hint = "The statement is nested too deeply; simplify it or split it up.";
    throw error;
  }
}

}  // namespace shardql
